import type { SessionView } from '../../../protocol/schemas/page-api.ts'
import type { Translate } from '../i18n/translate.ts'

export type OrderSummaryProps = { session: SessionView; amount: string; t: Translate; showTestHint: boolean }

/** Who is paid and how much. Merchant strings are rendered as text, never as markup. */
export function OrderSummary({ session, amount, t, showTestHint }: OrderSummaryProps) {
  const { merchant, payment, test_mode } = session
  return (
    <header class="summary">
      {test_mode ? <p class="badge">{t('test_badge')}</p> : null}
      <p class="summary__merchant">
        <span class="sr-only">{t('merchant_label')}: </span>
        {merchant.name}
      </p>
      <p class="summary__amount">
        <span class="sr-only">{t('amount_label')}: </span>
        {amount}
      </p>
      {payment.description ? <p class="summary__description">{payment.description}</p> : null}
      {test_mode && showTestHint ? <p class="test-hint">{t('test_hint')}</p> : null}
    </header>
  )
}
