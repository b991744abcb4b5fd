import { PaymentError } from './errors.ts'
import { followUpOperation, runFollowUp } from './follow-up.ts'
import type { LimitStore } from './limits.ts'
import type { Operation, Payment } from './payment.ts'
import { chargeOf, paymentTotals } from './payment-totals.ts'
import type { Project } from './ports.ts'
import { cardRoute, paymentScope } from './provider-routes.ts'
import { refundPayment } from './refund-payment.ts'
import { loadForFollowUp, type ResolveDeps } from './resolve-follow-ups.ts'
import { nextStatus } from './transitions.ts'

/**
 * Cancels a payment the way the merchant means it (SPEC §6): an authorisation not yet captured
 * is voided (`cancelled`, no money moved); a captured payment is refunded in full of whatever
 * is not refunded yet. The merchant says "cancel"; EPay picks void or refund.
 */
export async function cancelPayment(
  deps: ResolveDeps & { limits: LimitStore },
  project: Project,
  request: { paymentId: string },
): Promise<{ payment: Payment; operation: Operation }> {
  const { payment, operations } = await loadForFollowUp(deps, project, request.paymentId, 'cancel')
  if (nextStatus(payment.status, 'refund_full')) {
    return refundPayment(deps, project, { paymentId: request.paymentId, amount: undefined, currency: undefined })
  }
  if (!nextStatus(payment.status, 'cancel')) {
    throw new PaymentError('invalid_transition', `cannot cancel a payment in status "${payment.status}"`)
  }
  const charge = chargeOf(operations)
  if (!charge || charge.method !== 'card') throw new PaymentError('invalid_transition', 'only card authorisations can be voided')
  const { authorised } = paymentTotals(payment, operations)
  const { operations: provider } = await cardRoute(deps.providers, paymentScope(payment))
  const operation = followUpOperation(deps, payment, 'cancel', authorised, charge)
  return runFollowUp(deps, project, payment, operation, () =>
    provider.cancel({ reference: String(operation.id), original: charge.provider.paymentId ?? String(charge.id), amount: authorised, currency: payment.currency }),
  )
}
