import type { SessionView } from '../../../protocol/schemas/page-api.ts'
import type { Translate } from '../i18n/translate.ts'
import { MethodChoice } from './MethodChoice.tsx'
import { OrderSummary } from './OrderSummary.tsx'
import { titleKey } from './PaymentOptions.tsx'

export type PageShellProps = { session: SessionView; amount: string; t: Translate }

/**
 * The first screen as the server sends it inside the HTML (SPEC §13, one round trip to the first
 * paint): who is paid and how much, and for an unpaid payment the form's title, the method
 * choice and a placeholder of the card form's height. The same components as the live page, in
 * the same order, so the app's first render reuses these nodes where they stand: no layout shift.
 * `data-state="shell"` tells tests (and the widget's frame) that the app has not started yet.
 */
export function PageShell({ session, amount, t }: PageShellProps) {
  const open = session.state.status === 'new'
  const method = session.methods[0] ?? 'card'
  return (
    <main class="page" data-state="shell">
      <div class="panel">
        <OrderSummary session={session} amount={amount} t={t} showTestHint={open && method === 'card'} />
        {open ? (
          <div>
            <section class="pay-options">
              <h1 id="form-title" class="screen-title">{t(titleKey(session.methods))}</h1>
              {session.methods.length > 1 ? <MethodChoice t={t} methods={session.methods} value={method} onChange={() => undefined} /> : null}
              <div class="form-skeleton" aria-hidden="true" />
            </section>
          </div>
        ) : null}
      </div>
    </main>
  )
}
