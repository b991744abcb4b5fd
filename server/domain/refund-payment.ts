import type { Currency } from '../../protocol/money.ts'
import { assertSameCurrency } from './capture-payment.ts'
import { PaymentError } from './errors.ts'
import { askAndSettle, claimFollowUp, followUpOperation } from './follow-up.ts'
import { admitWithinLimits, type LimitStore } from './limits.ts'
import type { Operation, Payment } from './payment.ts'
import { chargeOf, paymentTotals } from './payment-totals.ts'
import type { Project } from './ports.ts'
import { paymentScope } from './provider-routes.ts'
import { loadForFollowUp, type ResolveDeps } from './resolve-follow-ups.ts'
import { nextStatus } from './transitions.ts'

/** A refund as the merchant asks for it; without an amount, everything not yet refunded. */
export type RefundRequest = { paymentId: string; amount: number | undefined; currency: Currency | undefined }

/**
 * Refunds a captured payment, fully or partly and as many times as the captured sum allows
 * (SPEC §6): the payment becomes `partially refunded`, then `refunded`.
 * Hint: the amount is checked against the totals read at the version the claim expects, so
 * two racing refunds cannot both fit under the same remainder (Σrefunded ≤ captured).
 */
export async function refundPayment(
  deps: ResolveDeps & { limits: LimitStore },
  project: Project,
  request: RefundRequest,
): Promise<{ payment: Payment; operation: Operation }> {
  const { payment, operations } = await loadForFollowUp(deps, project, request.paymentId, 'refund')
  if (!nextStatus(payment.status, 'refund_partial')) {
    throw new PaymentError('invalid_transition', `cannot refund a payment in status "${payment.status}"`)
  }
  assertSameCurrency(request.currency, payment)
  const charge = chargeOf(operations)
  if (!charge) throw new PaymentError('invalid_transition', 'the payment has no successful charge to refund')
  const { captured, refunded } = paymentTotals(payment, operations)
  const remaining = captured - refunded
  if (remaining <= 0) throw new PaymentError('invalid_transition', 'nothing is left to refund on this payment')
  const amount = request.amount ?? remaining
  if (amount > remaining) {
    throw new PaymentError('invalid_amount', `the refund amount exceeds what is left to refund (${remaining})`, { param: 'payment.amount' })
  }
  const { operations: provider } = await deps.providers.route(paymentScope(payment), charge.method)
  const release = await admitWithinLimits(deps.limits, { projectId: project.id, operation: 'refund', currency: payment.currency, amount, now: deps.clock.now() })
  const operation = followUpOperation(deps, payment, 'refund', amount, charge)
  let claimed: Payment
  try {
    claimed = await claimFollowUp(deps, payment, operation)
  } catch (error) {
    await release()
    throw error
  }
  const followUp = { reference: String(operation.id), original: charge.provider.paymentId ?? String(charge.id), amount, currency: payment.currency }
  return askAndSettle(deps, project, claimed, operation, () =>
    provider.refund(followUp),
  )
}
