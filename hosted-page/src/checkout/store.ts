import type { Language, PayBody, PaymentState, RedirectData, SessionView } from '../../../protocol/schemas/page-api.ts'
import { ApiError, NetworkError, type PageApi } from '../api/client.ts'
import { loadLanguage } from '../i18n/catalogues.ts'
import { pickLanguage } from '../i18n/translate.ts'
import type { ParentBridge } from '../parent/bridge.ts'
import { navigateTop } from '../redirect/navigate-top.ts'
import { submitRedirect } from '../redirect/submit-redirect.ts'
import { toWebUrl } from '../redirect/web-url.ts'
import { viewForError, type CallPhase } from './view-for-error.ts'
import type { CardNotice, ViewState } from './view-state.ts'

export type { CardNotice, ErrorReason, FormNotice, ViewState } from './view-state.ts'

export type CheckoutState = {
  readonly lang: Language
  readonly framed: boolean
  readonly session: SessionView | null
  /** The latest payment state the server gave; the source of truth for every result. */
  readonly payment: PaymentState | null
  readonly view: ViewState
  /** Token of the saved card being deleted, while the call runs. */
  readonly deleting: string | null
  readonly cardNotice: CardNotice | null
}

export type CheckoutStore = {
  getState(): CheckoutState
  subscribe(listener: () => void): () => void
  load(): Promise<void>
  pay(body: PayBody): Promise<void>
  deleteSavedCard(token: string): Promise<void>
  /** Back to the form after a decline with attempts left, or a new load after a failed one. */
  retry(): void
  /** Goes to the ACS or wallet page now (the Continue button of the redirecting screen). */
  continueRedirect(): void
  /** Re-reads the status after the page came back from the back/forward cache; never navigates. */
  refresh(): Promise<void>
  /** Polls the status until the payment leaves processing. */
  poll(): Promise<void>
  /** Called once the first screen after loading is on the page: the widget's `onLoaded`. */
  rendered(): void
  dispose(): void
}

export type CheckoutDeps = {
  /** `null` when the page got no session token: only the error screen can be shown. */
  api: PageApi | null
  /** May load the bridge first (its own chunk); a failure to is a NetworkError. */
  connectParent: (session: SessionView) => ParentBridge | Promise<ParentBridge>
  framed?: boolean
  /**
   * The session and language the server rendered the first screen with (boot block): the store
   * starts on that screen, so the app's first render matches the server's markup.
   */
  initial?: { session: SessionView; lang: Language }
  /** `navigator.languages`, most preferred first. */
  browserLanguages?: readonly string[]
  loadLanguage?: (lang: Language) => Promise<Language>
  /**
   * False when the page was reached through Back/Forward: it then never leaves by itself (to
   * the ACS, a wallet or the return URL), or Back would bounce the shopper forward again.
   */
  autoNavigate?: boolean
  /** Navigates to `redirect_data`; false when it cannot. */
  redirect?: (data: RedirectData) => boolean
  navigateTop?: (url: string) => boolean
  /** Waits between retries of a call that got no answer. */
  retryDelaysMs?: readonly number[]
  pollIntervalMs?: number
  sleep?: (ms: number) => Promise<void>
}

type ResultMessage = 'epframe.payment.sent' | 'epframe.payment.success' | 'epframe.payment.fail'

const PENDING = new Set<PaymentState['status']>(['processing', 'awaiting 3ds result', 'awaiting redirect result'])
const CLOSED = new Set<PaymentState['status']>(['cancelled', 'refunded', 'partially refunded'])
const SESSION_GONE = new Set(['invalid_session', 'session_expired', 'payment_expired'])

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Creates the checkout store: the page's state machine and its only caller of the API.
 * Hint: a pay call with no answer (network error, 502–504) is retried, then resolved by
 * polling the status, and never shown as a decline: the server refuses a second charge, and
 * the status is the only truth about whether the first one happened.
 */
export function createCheckoutStore(deps: CheckoutDeps): CheckoutStore {
  const { api, connectParent } = deps
  const retryDelays = deps.retryDelaysMs ?? [500, 1000, 2000]
  const pollInterval = deps.pollIntervalMs ?? 1000
  const sleep = deps.sleep ?? wait
  const loadLang = deps.loadLanguage ?? loadLanguage
  const redirect = deps.redirect ?? ((data) => submitRedirect(document, data))
  const goTop = deps.navigateTop ?? ((url) => navigateTop(window, url))
  const listeners = new Set<() => void>()

  // Only an unpaid payment starts on its form: any other status goes through load(), whose
  // side effects (result messages, redirects) must not be skipped.
  const initial = deps.initial?.session.state.status === 'new' ? deps.initial : undefined
  let state: CheckoutState = {
    lang: deps.initial?.lang ?? 'en',
    framed: deps.framed ?? false,
    session: initial?.session ?? null,
    payment: initial?.session.state ?? null,
    view: initial ? { kind: 'form' } : { kind: 'loading' },
    deleting: null,
    cardNotice: null,
  }
  let parent: ParentBridge | null = null
  let autoNavigate = deps.autoNavigate ?? true
  let paying = false
  let polling = false
  let disposed = false
  let loadedPosted = false
  /** A screen other than loading is on the page (rendered() was called for it). */
  let screenUp = false
  let returned = false
  let lastReported = ''
  let stopResize = () => {}
  const queued: (() => void)[] = []

  function set(next: Partial<CheckoutState>): void {
    if (disposed) return
    state = { ...state, ...next }
    for (const listener of listeners) listener()
  }
  const show = (view: ViewState) => {
    if (view.kind === 'loading') screenUp = false
    set({ view })
  }

  /**
   * `epframe.loaded` once both the first screen is up and the parent is connected, whichever
   * comes last: the server's first screen can be up before the bridge (its own chunk) is in.
   */
  function postLoaded(): void {
    if (loadedPosted || !parent || !screenUp) return
    loadedPosted = true
    // The size goes first: by the time the merchant's onLoaded runs, the frame has its height,
    // so nothing on the merchant's page (its own Pay button in embedded mode) moves under a click.
    stopResize = parent.watchSize()
    parent.post('epframe.loaded', {})
    for (const action of queued.splice(0)) action()
  }

  /** Parent messages and navigations wait for `epframe.loaded`, so the widget sees `onLoaded` first. */
  function afterLoaded(action: () => void): void {
    if (loadedPosted) action()
    else queued.push(action)
  }

  function send(message: ResultMessage, status: string): void {
    const session = state.session
    const bridge = parent
    if (!bridge || !session) return
    afterLoaded(() => bridge.post(message, { payment_id: session.payment.id, status }))
  }

  async function withRetry<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        const delay = retryDelays[attempt]
        if (!(error instanceof NetworkError) || delay === undefined || disposed) throw error
        await sleep(delay)
      }
    }
  }

  function showPayment(payment: PaymentState): void {
    set({ payment })
    const { status } = payment
    if (status === 'new') return show({ kind: 'form' })
    if (PENDING.has(status)) {
      if (payment.redirect_data) return startRedirect(payment.redirect_data)
      show({ kind: 'processing', connectionLost: false })
      void poll()
      return
    }
    if (status === 'success' || status === 'awaiting capture') {
      show({ kind: 'success' })
      report('epframe.payment.success', payment)
      return returnToMerchant(payment)
    }
    if (status === 'decline') {
      show({ kind: 'decline', attemptsLeft: payment.attempts_left })
      report('epframe.payment.fail', payment)
      if (payment.attempts_left === 0) returnToMerchant(payment)
      return
    }
    if (status === 'expired') return show({ kind: 'expired' })
    show({ kind: 'error', reason: CLOSED.has(status) ? 'closed' : 'unknown' })
  }

  function startRedirect(data: RedirectData): void {
    // Refused before anything is shown, so no Continue button is offered for a bad URL either.
    if (!toWebUrl(data.url, globalThis.location?.href)) return show({ kind: 'error', reason: 'unknown' })
    show({ kind: 'redirecting', auto: autoNavigate })
    // The ACS and the wallet are EPay's own pages, so the frame itself goes there. No
    // `epframe.redirect` is posted: the embed script takes that message as a request to send
    // the merchant's whole page to the URL, which would tear the frame down mid-payment.
    if (autoNavigate) afterLoaded(() => navigate(data))
  }

  function navigate(data: RedirectData): void {
    if (!disposed && !redirect(data)) show({ kind: 'error', reason: 'unknown' })
  }

  /** `return_mode: parent_page`: the top window goes to the return URL once, by itself. */
  function returnToMerchant(payment: PaymentState): void {
    const url = payment.return_url
    if (returned || !autoNavigate || payment.return_mode !== 'parent_page' || !url || !toWebUrl(url)) return
    returned = true
    afterLoaded(() => goTop(url))
  }

  /** One result event per attempt result, however often the same state is re-read. */
  function report(message: ResultMessage, payment: PaymentState): void {
    const key = `${payment.status}|${payment.attempts_left}|${payment.last_attempt?.status ?? ''}`
    if (key === lastReported) return
    lastReported = key
    send(message, payment.status)
  }

  /** Shows the screen for a failed call; true when the caller should poll the status. */
  function showError(error: unknown, phase: CallPhase): boolean {
    const { view, poll } = viewForError(error, phase)
    show(view)
    return poll
  }

  async function load(): Promise<void> {
    // Started on the server's first screen: the form stays while the session is confirmed.
    if (!(initial && state.session === initial.session)) show({ kind: 'loading' })
    // The browser's language is fetched alongside the session: it is usually the one shown.
    const browserPick = deps.initial ? Promise.resolve() : loadLang(pickLanguage(undefined, deps.browserLanguages)).then((lang) => {
      if (!state.session) set({ lang })
    })
    if (!api) {
      await browserPick
      return show({ kind: 'error', reason: 'session' })
    }
    try {
      const session = await withRetry(() => api.getSession())
      parent = await connectParent(session)
      const lang = await loadLang(deps.initial?.lang ?? pickLanguage(session.language, deps.browserLanguages))
      set({ session, lang })
      showPayment(session.state)
      postLoaded()
    } catch (error) {
      await browserPick
      showError(error, 'load')
    }
  }

  async function pay(body: PayBody): Promise<void> {
    // The button is disabled too, but clicks and Enter can land before a re-render.
    if (!api || paying || state.view.kind !== 'form') return
    paying = true
    // The shopper acted on this page: whatever this attempt leads to may navigate again.
    autoNavigate = true
    lastReported = ''
    show({ kind: 'processing', connectionLost: false })
    send('epframe.payment.sent', 'processing')
    try {
      showPayment(await withRetry(() => api.pay(body)))
    } catch (error) {
      if (showError(error, 'pay')) void poll(true)
    } finally {
      paying = false
    }
  }

  async function deleteSavedCard(token: string): Promise<void> {
    const card = state.session?.saved_cards.find((c) => c.token === token)
    if (!api || !card || state.deleting) return
    set({ deleting: token, cardNotice: null })
    try {
      const savedCards = await withRetry(() => api.deleteSavedCard(token))
      const session = state.session
      if (session) set({ session: { ...session, saved_cards: savedCards }, cardNotice: { kind: 'deleted', card: card.mask } })
    } catch (error) {
      if (error instanceof ApiError && SESSION_GONE.has(error.code)) showError(error, 'load')
      else set({ cardNotice: { kind: 'delete_failed', card: card.mask } })
    } finally {
      set({ deleting: null })
    }
  }

  async function poll(immediate = false): Promise<void> {
    if (!api || polling) return
    polling = true
    let failures = 0
    try {
      while (!disposed && state.view.kind === 'processing') {
        if (!immediate || failures > 0) await sleep(Math.min(pollInterval * 2 ** failures, pollInterval * 8))
        immediate = false
        if (disposed || state.view.kind !== 'processing') break
        let payment: PaymentState
        try {
          payment = await api.getStatus()
        } catch (error) {
          const quietly = error instanceof NetworkError || (error instanceof ApiError && (error.status >= 500 || error.code === 'rate_limited'))
          if (!quietly) {
            showError(error, 'poll')
            break
          }
          failures++
          show({ kind: 'processing', connectionLost: error instanceof NetworkError })
          continue
        }
        failures = 0
        if (PENDING.has(payment.status) && !payment.redirect_data) {
          set({ payment })
          if (state.view.kind === 'processing' && state.view.connectionLost) show({ kind: 'processing', connectionLost: false })
        } else if (payment.status === 'new') {
          // The attempt we could not confirm never reached the payment: nothing was charged.
          set({ payment })
          show({ kind: 'form', notice: { reason: 'network' } })
        } else {
          showPayment(payment)
        }
      }
    } finally {
      polling = false
    }
  }

  async function refresh(): Promise<void> {
    autoNavigate = false
    if (!api || !state.session) return load()
    try {
      const payment = await api.getStatus()
      if (state.view.kind !== 'form' || payment.status !== 'new') showPayment(payment)
    } catch (error) {
      // Offline after a restore: the screen from before stays until the next action.
      if (error instanceof ApiError) showError(error, 'poll')
    }
  }

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    load,
    pay,
    deleteSavedCard,
    poll: () => poll(),
    refresh,
    retry() {
      const { view } = state
      if (view.kind === 'decline' && view.attemptsLeft > 0) {
        const code = state.payment?.last_attempt?.code
        show({ kind: 'form', notice: { reason: 'declined', ...(code ? { code } : {}) } })
      }
      else if (view.kind === 'error' && view.reason === 'network') void load()
    },
    continueRedirect() {
      const data = state.payment?.redirect_data
      if (state.view.kind === 'redirecting' && data) navigate(data)
    },
    rendered() {
      if (state.view.kind === 'loading') return
      screenUp = true
      postLoaded()
    },
    dispose() {
      disposed = true
      stopResize()
      listeners.clear()
    },
  }
}
