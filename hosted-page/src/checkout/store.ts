import type { Language, PayBody, PaymentState, SessionView } from '../../../protocol/schemas/page-api.ts'
import { ApiError, NetworkError, type PageApi } from '../api/client.ts'
import { pickLanguage } from '../i18n/translate.ts'
import type { ParentBridge } from '../parent/bridge.ts'

/** Why the form is shown again after a pay call that did not reach a result. */
export type FormNotice = { reason: 'network' | 'rate_limited' | 'invalid'; param?: string }

/** What the error screen says: a bad link, no server, a closed payment, or anything else. */
export type ErrorReason = 'session' | 'network' | 'closed' | 'unknown'

/** The one screen the page shows; components render from this alone. */
export type ViewState =
  | { kind: 'loading' }
  | { kind: 'form'; notice?: FormNotice }
  | { kind: 'processing'; connectionLost: boolean }
  | { kind: 'success' }
  | { kind: 'decline'; attemptsLeft: number }
  | { kind: 'expired' }
  | { kind: 'error'; reason: ErrorReason }

export type CheckoutState = {
  readonly lang: Language
  readonly framed: boolean
  readonly session: SessionView | null
  /** The latest payment state the server gave; the source of truth for every result. */
  readonly payment: PaymentState | null
  readonly view: ViewState
}

export type CheckoutStore = {
  getState(): CheckoutState
  subscribe(listener: () => void): () => void
  load(): Promise<void>
  pay(card: PayBody['card']): Promise<void>
  /** Back to the form after a decline with attempts left, or a new load after a failed one. */
  retry(): void
  /** Polls the status until the payment leaves processing. */
  poll(): Promise<void>
  /** Called once the first screen after loading is on the page: the widget's `onLoaded`. */
  rendered(): void
  dispose(): void
}

export type CheckoutDeps = {
  /** `null` when the page got no session token: only the error screen can be shown. */
  api: PageApi | null
  connectParent: (session: SessionView) => ParentBridge
  framed?: boolean
  browserLanguage?: string
  /** Waits between retries of a call that got no answer. */
  retryDelaysMs?: readonly number[]
  pollIntervalMs?: number
  sleep?: (ms: number) => Promise<void>
}

type ResultMessage = 'epframe.payment.sent' | 'epframe.payment.success' | 'epframe.payment.fail'

const PENDING = new Set<PaymentState['status']>(['processing', 'awaiting 3ds result', 'awaiting redirect result'])
const CLOSED = new Set<PaymentState['status']>(['cancelled', 'refunded', 'partially refunded'])

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
  const listeners = new Set<() => void>()

  let state: CheckoutState = {
    lang: pickLanguage(undefined, deps.browserLanguage),
    framed: deps.framed ?? false,
    session: null,
    payment: null,
    view: { kind: 'loading' },
  }
  let parent: ParentBridge | null = null
  let paying = false
  let polling = false
  let disposed = false
  let loadedPosted = false
  let lastReported = ''
  let stopResize = () => {}
  const queued: (() => void)[] = []

  function set(next: Partial<CheckoutState>): void {
    if (disposed) return
    state = { ...state, ...next }
    for (const listener of listeners) listener()
  }
  const show = (view: ViewState) => set({ view })

  /** Result events wait for `epframe.loaded`, so the widget always sees `onLoaded` first. */
  function send(message: ResultMessage, status: string): void {
    const session = state.session
    if (!parent || !session) return
    const bridge = parent
    const post = () => bridge.post(message, { payment_id: session.payment.id, status })
    if (loadedPosted) post()
    else queued.push(post)
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
      show({ kind: 'processing', connectionLost: false })
      void poll()
      return
    }
    if (status === 'success' || status === 'awaiting capture') {
      show({ kind: 'success' })
      return report('epframe.payment.success', payment)
    }
    if (status === 'decline') {
      show({ kind: 'decline', attemptsLeft: payment.attempts_left })
      return report('epframe.payment.fail', payment)
    }
    if (status === 'expired') return show({ kind: 'expired' })
    show({ kind: 'error', reason: CLOSED.has(status) ? 'closed' : 'unknown' })
  }

  /** One result event per attempt result, however often the same state is re-read. */
  function report(message: ResultMessage, payment: PaymentState): void {
    const key = `${payment.status}|${payment.attempts_left}|${payment.last_attempt?.status ?? ''}`
    if (key === lastReported) return
    lastReported = key
    send(message, payment.status)
  }

  /**
   * Shows the screen for a failed call; returns true when the outcome is unknown and only the
   * status can tell (the caller then polls).
   */
  function showError(error: unknown, phase: 'load' | 'pay' | 'poll'): boolean {
    if (error instanceof NetworkError) {
      if (phase === 'load') show({ kind: 'error', reason: 'network' })
      else show({ kind: 'processing', connectionLost: true })
      return phase === 'pay'
    }
    const apiError = error instanceof ApiError ? error : null
    switch (apiError?.code) {
      case 'session_expired':
      case 'payment_expired':
        show({ kind: 'expired' })
        return false
      case 'invalid_session':
      case 'payment_not_found':
      case 'not_found':
        show({ kind: 'error', reason: 'session' })
        return false
      case 'rate_limited':
        if (phase !== 'pay') break
        show({ kind: 'form', notice: { reason: 'rate_limited' } })
        return false
      case 'validation_failed':
        if (phase !== 'pay') break
        show({ kind: 'form', notice: { reason: 'invalid', ...(apiError.param ? { param: apiError.param } : {}) } })
        return false
    }
    if (phase !== 'pay') {
      show({ kind: 'error', reason: 'unknown' })
      return false
    }
    // conflict (another attempt in flight), payment_completed, attempts_exhausted, a server
    // fault…: the result is whatever the status says, so go and read it.
    show({ kind: 'processing', connectionLost: false })
    return true
  }

  async function load(): Promise<void> {
    if (!api) return show({ kind: 'error', reason: 'session' })
    show({ kind: 'loading' })
    try {
      const session = await withRetry(() => api.getSession())
      parent = connectParent(session)
      set({ session, lang: pickLanguage(session.language, deps.browserLanguage) })
      showPayment(session.state)
    } catch (error) {
      showError(error, 'load')
    }
  }

  async function pay(card: PayBody['card']): Promise<void> {
    // The button is disabled too, but clicks and Enter can land before a re-render.
    if (!api || paying || state.view.kind !== 'form') return
    paying = true
    lastReported = ''
    show({ kind: 'processing', connectionLost: false })
    send('epframe.payment.sent', 'processing')
    try {
      showPayment(await withRetry(() => api.pay({ method: 'card', card })))
    } catch (error) {
      if (showError(error, 'pay')) void poll(true)
    } finally {
      paying = false
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
        if (PENDING.has(payment.status)) {
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

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    load,
    pay,
    poll: () => poll(),
    retry() {
      const { view } = state
      if (view.kind === 'decline' && view.attemptsLeft > 0) show({ kind: 'form' })
      else if (view.kind === 'error' && view.reason === 'network') void load()
    },
    rendered() {
      if (loadedPosted || !parent || state.view.kind === 'loading') return
      loadedPosted = true
      parent.post('epframe.loaded', {})
      for (const post of queued.splice(0)) post()
      stopResize = parent.watchSize()
    },
    dispose() {
      disposed = true
      stopResize()
      listeners.clear()
    },
  }
}
