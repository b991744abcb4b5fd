import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks'
import { formatAmount } from '../i18n/format-amount.ts'
import { translator } from '../i18n/translate.ts'
import { loadTheme } from '../theme/load-theme.ts'
import { Spinner } from '../ui/Spinner.tsx'
import { OrderSummary } from './OrderSummary.tsx'
import type { PageMethod } from './page-method.ts'
import { PaymentOptions } from './PaymentOptions.tsx'
import { useSavedCardsLoaded } from './CardPanel.tsx'
import { StatusView, useResultsLoaded } from './StatusView.tsx'
import { useCheckout } from './use-checkout.ts'

/** The whole page; `data-state` on <main> names the screen (e2e tests wait on it). */
export function CheckoutPage() {
  const [state, store] = useCheckout()
  const { view, session, payment, lang, framed } = state
  const t = useMemo(() => translator(lang), [lang])
  // Set once a first screen is up: a form mounted after that (Try again) takes the focus.
  const shownBefore = useRef(false)
  // The shopper's method survives a decline and Try again; the first offered is the default.
  const [chosenMethod, setMethod] = useState<PageMethod | null>(null)
  const methods = session?.methods ?? []
  const method = chosenMethod && methods.includes(chosenMethod) ? chosenMethod : methods[0] ?? 'card'
  const theme = session?.theme
  // The name on the card survives a decline and Try again; the number and CVC do not.
  const holder = useRef<string | undefined>(undefined)

  useLayoutEffect(() => {
    document.documentElement.lang = lang
    document.title = session ? t('page_title', { merchant: session.merchant.name }) : t('form_title')
  }, [lang, session, t])

  // A page that never had a theme has nothing to set or clear, and never fetches the theme code.
  const themed = useRef(false)
  useLayoutEffect(() => {
    if (theme === undefined && !themed.current) return
    themed.current = true
    let live = true
    // Once the chunk is in, this settles before the next paint (a microtask after the render).
    loadTheme().then(
      ({ applyTheme }) => live && applyTheme(document.documentElement, theme),
      () => {},
    )
    return () => {
      live = false
    }
  }, [theme])
  useLayoutEffect(() => {
    document.documentElement.toggleAttribute('data-framed', framed)
  }, [framed])

  // A screen from a lazy chunk is up once its chunk is in (it is fetched early, so that is rare):
  // until then <main> says loading, so neither tests nor the widget's onLoaded see it too soon.
  const outcome = view.kind === 'redirecting' || view.kind === 'success' || view.kind === 'decline' || view.kind === 'expired'
  const savedCards = view.kind === 'form' && method === 'card' && (session?.saved_cards.length ?? 0) > 0
  const resultsIn = useResultsLoaded(outcome)
  const savedCardsIn = useSavedCardsLoaded(savedCards)
  const shown = (outcome && !resultsIn) || (savedCards && !savedCardsIn) ? 'loading' : view.kind

  useEffect(() => {
    if (shown === 'loading') return
    shownBefore.current = true
    store.rendered()
  }, [shown, store])

  if (view.kind === 'loading') {
    return (
      <main class="page" data-state="loading" aria-busy="true">
        <div class="panel status">
          <Spinner />
          <p role="status">{t('loading')}</p>
        </div>
      </main>
    )
  }

  const amount = session ? formatAmount(session.payment.amount, session.payment.currency, lang) : ''
  // The form stays mounted (hidden) while a pay call runs, so a retry after a lost
  // connection does not make the shopper type the card again.
  const formMounted = session && (view.kind === 'form' || view.kind === 'processing')

  return (
    <main class="page" data-state={shown}>
      <div class="panel">
        {session ? (
          <OrderSummary session={session} amount={amount} t={t} showTestHint={view.kind === 'form' && method === 'card'} />
        ) : null}
        {formMounted ? (
          <div hidden={view.kind !== 'form'}>
            <PaymentOptions
              t={t}
              session={session}
              amount={amount}
              method={method}
              onMethod={setMethod}
              busy={view.kind !== 'form'}
              notice={view.kind === 'form' ? view.notice : undefined}
              focusOnMount={shownBefore.current}
              deleting={state.deleting}
              cardNotice={state.cardNotice}
              initialHolder={holder.current}
              onPay={(body) => {
                if (body.method === 'card') holder.current = body.card.holder
                void store.pay(body)
              }}
              onDelete={(token) => void store.deleteSavedCard(token)}
            />
          </div>
        ) : null}
        {view.kind !== 'form' ? (
          <StatusView
            view={view}
            payment={payment}
            framed={framed}
            t={t}
            onRetry={store.retry}
            onContinue={store.continueRedirect}
          />
        ) : null}
      </div>
    </main>
  )
}
