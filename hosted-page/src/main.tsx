import { render } from 'preact'
import type { SessionView } from '../../protocol/schemas/page-api.ts'
import { NetworkError, createPageApi } from './api/client.ts'
import { takeBoot } from './boot/read-token.ts'
import { preloadSavedCards } from './checkout/CardPanel.tsx'
import { CheckoutPage } from './checkout/CheckoutPage.tsx'
import { preloadResults } from './checkout/StatusView.tsx'
import { createCheckoutStore } from './checkout/store.ts'
import { CheckoutContext } from './checkout/use-checkout.ts'
import type { ParentBridge } from './parent/bridge.ts'
import { takeServedLanguage } from './i18n/served-language.ts'
import { loadTheme } from './theme/load-theme.ts'
import { preloadBrandIcons } from './ui/LazyBrandIcon.tsx'
import './styles.css'

const { token, session: bootSession } = takeBoot(document, location, history, tabStorage())
// The language the server rendered the first screen in, its catalogue installed: the app starts
// where the server's markup is, in the same words, instead of fetching a chunk first.
const servedLang = takeServedLanguage(document)
// The boot session is the data the server rendered that screen from, in the same response, so
// the app's first render takes it as it stands. The contract (valibot, its own chunk) checks it
// in load() before anything acts on it: the parent bridge, a redirect, a pay call; the theme has
// its own check (applyTheme).
const served = servedLang && isOpenSession(bootSession) ? bootSession : undefined

// A themed session's colours come with the first screen: the theme code is fetched at once
// (the server has it preloaded already).
if (served?.theme !== undefined) void loadTheme().catch(() => {})

// A customer's saved cards are the first screen: their chunk is fetched beside this script's run.
if (Array.isArray(served?.saved_cards) && served.saved_cards.length > 0) void preloadSavedCards().catch(() => {})

// Back/Forward to this page (the server served it again, or the bfcache restored it): the
// shopper is going back on purpose, so nothing may send them forward again by itself.
const navigation = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined

// Only a framed page talks to a parent (the widget): the bridge is a chunk of its own, fetched at
// once when framed, beside the contract chunk that the session check waits for anyway.
const framed = window.parent !== window
const NO_PARENT: ParentBridge = { post() {}, watchSize: () => () => {}, listen: () => () => {} }
let parentChunk: Promise<typeof import('./parent/parent-chunk.ts')> | undefined
const loadParent = () =>
  (parentChunk ??= import('./parent/parent-chunk.ts').catch((cause: unknown) => {
    parentChunk = undefined
    throw new NetworkError('parent bridge chunk not loaded', { cause })
  }))
if (framed) void loadParent().catch(() => {})

let stopListening = () => {}
const store = createCheckoutStore({
  api: token ? createPageApi(token, { bootSession }) : null,
  connectParent: async (session) => {
    if (!framed) return NO_PARENT
    const { answerWidget, createParentBridge } = await loadParent()
    const bridge = createParentBridge(
      window,
      { parentOrigin: session.parent_origin, guid: session.guid },
      document.documentElement,
    )
    stopListening()
    stopListening = bridge.listen(answerWidget(bridge, document))
    return bridge
  },
  ...(served && servedLang ? { initial: { session: served, lang: servedLang } } : {}),
  framed,
  browserLanguages: navigator.languages?.length ? navigator.languages : [navigator.language],
  autoNavigate: navigation?.type !== 'back_forward',
})

addEventListener('pageshow', (event) => {
  if (event.persisted) void store.refresh()
})

render(
  <CheckoutContext.Provider value={store}>
    <CheckoutPage />
  </CheckoutContext.Provider>,
  document.getElementById('app')!,
)
void store.load()
// The scheme marks and the outcome screens follow the form: fetched now, behind the session
// check, not when first shown.
void preloadBrandIcons().catch(() => {})
void preloadResults().catch(() => {})

/** An unpaid payment's session (the only one the store starts on), as far as the first render reads it. */
function isOpenSession(value: unknown): value is SessionView {
  const session = value as { state?: { status?: unknown } } | null
  return typeof session === 'object' && session !== null && typeof session.state === 'object' && session.state?.status === 'new'
}

// Reading `sessionStorage` itself throws where storage is blocked.
function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage
  } catch {
    return undefined
  }
}
