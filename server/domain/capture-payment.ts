import type { Currency } from '../../protocol/money.ts'
import { PaymentError } from './errors.ts'
import { followUpOperation, runFollowUp } from './follow-up.ts'
import type { Operation, Payment } from './payment.ts'
import { chargeOf, paymentTotals } from './payment-totals.ts'
import type { Project } from './ports.ts'
import { cardRoute, paymentScope } from './provider-routes.ts'
import { loadForFollowUp, type ResolveDeps } from './resolve-follow-ups.ts'
import { nextStatus } from './transitions.ts'

/** A capture as the merchant asks for it; without an amount the whole authorisation is captured. */
export type CaptureRequest = { paymentId: string; amount: number | undefined; currency: Currency | undefined }

/**
 * Captures an authorised two-stage payment, fully or partly (SPEC §6). One capture per payment:
 * a partial capture releases the rest of the authorisation, as acquirers do, so the captured
 * sum can never exceed what was authorised.
 */
export async function capturePayment(deps: ResolveDeps, project: Project, request: CaptureRequest): Promise<{ payment: Payment; operation: Operation }> {
  const { payment, operations } = await loadForFollowUp(deps, project, request.paymentId, 'capture')
  if (!nextStatus(payment.status, 'capture')) {
    throw new PaymentError('invalid_transition', `cannot capture a payment in status "${payment.status}"`)
  }
  assertSameCurrency(request.currency, payment)
  const charge = chargeOf(operations)
  if (!charge || charge.method !== 'card') throw new PaymentError('invalid_transition', 'only card authorisations can be captured')
  const { authorised } = paymentTotals(payment, operations)
  const amount = request.amount ?? authorised
  if (amount > authorised) {
    throw new PaymentError('invalid_amount', `the capture amount exceeds the authorised amount of ${authorised}`, { param: 'payment.amount' })
  }
  const { operations: provider } = await cardRoute(deps.providers, paymentScope(payment))
  const operation = followUpOperation(deps, payment, 'capture', amount, charge)
  return runFollowUp(deps, project, payment, operation, () =>
    provider.capture({ reference: String(operation.id), original: charge.provider.paymentId ?? String(charge.id), amount, currency: payment.currency }),
  )
}

/** Refuses a follow-up in another currency than its payment's: follow-ups never convert. */
export function assertSameCurrency(currency: Currency | undefined, payment: Payment): void {
  if (currency !== undefined && currency !== payment.currency) {
    throw new PaymentError('invalid_currency', `the payment is in ${payment.currency}, not ${currency}`, { param: 'payment.currency' })
  }
}
