import { render } from 'preact'
import { createPageApi } from './api/client.ts'
import { takeSessionToken } from './boot/read-token.ts'
import { CheckoutPage } from './checkout/CheckoutPage.tsx'
import { createCheckoutStore } from './checkout/store.ts'
import { CheckoutContext } from './checkout/use-checkout.ts'
import { createParentBridge, isFramed } from './parent/bridge.ts'
import './styles.css'

const token = takeSessionToken(document, location, history)

const store = createCheckoutStore({
  api: token ? createPageApi(token) : null,
  connectParent: (session) =>
    createParentBridge(
      window,
      { parentOrigin: session.parent_origin, guid: session.guid },
      document.documentElement,
    ),
  framed: isFramed(window),
  browserLanguage: navigator.language,
})

render(
  <CheckoutContext.Provider value={store}>
    <CheckoutPage />
  </CheckoutContext.Provider>,
  document.getElementById('app')!,
)
void store.load()
