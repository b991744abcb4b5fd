import { render } from 'preact'
import * as v from 'valibot'
import { SessionViewSchema } from '../../protocol/schemas/page-api.ts'
import { createPageApi } from './api/client.ts'
import { takeBoot } from './boot/read-token.ts'
import { CheckoutPage } from './checkout/CheckoutPage.tsx'
import { createCheckoutStore } from './checkout/store.ts'
import { CheckoutContext } from './checkout/use-checkout.ts'
import { answerWidget } from './parent/answer-widget.ts'
import { createParentBridge, isFramed } from './parent/bridge.ts'
import { takeServedLanguage } from './i18n/served-language.ts'
import './styles.css'

const { token, session: bootSession } = takeBoot(document, location, history, tabStorage())
// The language the server rendered the first screen in, its catalogue installed: the app starts
// where the server's markup is, in the same words, instead of fetching a chunk first.
const servedLang = takeServedLanguage(document)
const served = bootSession && servedLang ? v.safeParse(SessionViewSchema, bootSession) : undefined

// Back/Forward to this page (the server served it again, or the bfcache restored it): the
// shopper is going back on purpose, so nothing may send them forward again by itself.
const navigation = performance.getEntriesByType?.('navigation')[0] as PerformanceNavigationTiming | undefined

let stopListening = () => {}
const store = createCheckoutStore({
  api: token ? createPageApi(token, { bootSession }) : null,
  connectParent: (session) => {
    const bridge = createParentBridge(
      window,
      { parentOrigin: session.parent_origin, guid: session.guid },
      document.documentElement,
    )
    stopListening()
    stopListening = bridge.listen(answerWidget(bridge, document))
    return bridge
  },
  ...(served?.success && servedLang ? { initial: { session: served.output, lang: servedLang } } : {}),
  framed: isFramed(window),
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

// Reading `sessionStorage` itself throws where storage is blocked.
function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage
  } catch {
    return undefined
  }
}
