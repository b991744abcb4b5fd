import type { CallbackView, OperationView, PaymentDetail } from '../../../protocol/schemas/dashboard/payments.ts'
import type { Operation, Payment } from '../../domain/payment.ts'
import { chargeOf, paymentTotals } from '../../domain/payment-totals.ts'
import { nextStatus } from '../../domain/transitions.ts'
import type { CallbackState } from '../../storage/outbox-store.ts'

export function toOperationView(o: Operation): OperationView {
  return {
    id: o.id, type: o.type, status: o.status, amount: o.amount, currency: o.currency, code: o.code ?? null, message: o.message ?? null,
    method: o.method, card_mask: o.cardMask ?? null, provider_id: o.provider.id, created_at: o.createdAt.toISOString(), updated_at: o.updatedAt.toISOString(),
  }
}

export function toCallbackView(c: CallbackState): CallbackView {
  return {
    id: c.id, operation_id: c.operationId, status: c.status, attempts: c.attempts, last_status: c.lastStatus ?? null,
    last_error: c.lastError ?? null, next_attempt_at: c.status === 'pending' ? c.nextAttemptAt.toISOString() : null,
  }
}

/**
 * How 3-D Secure went for the charge: a shopper who came back from the ACS passed a challenge
 * (or failed it, when the charge was then declined); a card charge settled without going there
 * needed none.
 */
export function threeDsOutcome(operations: readonly Operation[]): PaymentDetail['three_ds'] {
  const charge = [...operations].reverse().find((o) => o.type === 'sale' || o.type === 'auth')
  if (!charge || charge.method !== 'card') return 'not_applicable'
  if (charge.status === 'awaiting 3ds result') return 'awaiting'
  if (charge.returnedAt) return charge.status === 'success' ? 'challenge_passed' : 'challenge_failed'
  return charge.status === 'success' || charge.status === 'decline' ? 'frictionless' : 'not_applicable'
}

/**
 * What can be done with a payment now, by the payment's own rules (the transition table and its
 * totals): the same checks the domain functions make again when the action is asked for.
 */
export function possibleActions(payment: Payment, operations: readonly Operation[]) {
  const totals = paymentTotals(payment, operations)
  const charge = chargeOf(operations)
  const purchase = payment.type === 'purchase' && charge !== undefined
  const refundable = totals.captured - totals.refunded
  const capturable = payment.status === 'awaiting capture' ? totals.authorised - totals.captured : 0
  return {
    totals: { ...totals, refundable, capturable },
    refund: purchase && nextStatus(payment.status, 'refund_partial') !== undefined && refundable > 0,
    capture: purchase && charge.method === 'card' && nextStatus(payment.status, 'capture') !== undefined,
    cancel: !purchase ? null
      : nextStatus(payment.status, 'refund_full') !== undefined && refundable > 0 ? ('refund' as const)
      : nextStatus(payment.status, 'cancel') !== undefined && charge.method === 'card' ? ('void' as const)
      : null,
  }
}
