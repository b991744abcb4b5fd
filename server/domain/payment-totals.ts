import type { Operation, Payment } from './payment.ts'

/** How much of a payment is authorised, captured and refunded, from its successful operations. */
export type PaymentTotals = { authorised: number; captured: number; refunded: number }

/** Operation types that take money from the shopper in one step. */
const CHARGES = new Set<Operation['type']>(['sale', 'recurring'])

/** Operation types that follow a payment's charge or are charges started by the merchant. */
export const FOLLOW_UP_TYPES = new Set<Operation['type']>(['capture', 'cancel', 'refund', 'payout', 'recurring'])

/**
 * Sums a payment's successful operations: what the shopper authorised, what was captured
 * (a one-stage sale is authorised and captured at once) and what was refunded.
 * Hint: these are the quantities of the invariants Σcaptured ≤ authorised and
 * Σrefunded ≤ captured (SPEC §6); follow-up requests are checked against them.
 */
export function paymentTotals(payment: Pick<Payment, 'type'>, operations: readonly Operation[]): PaymentTotals {
  const totals: PaymentTotals = { authorised: 0, captured: 0, refunded: 0 }
  if (payment.type === 'payout') return totals
  for (const op of operations) {
    if (op.status !== 'success') continue
    if (op.type === 'auth') totals.authorised += op.amount
    else if (CHARGES.has(op.type)) {
      totals.authorised += op.amount
      totals.captured += op.amount
    } else if (op.type === 'capture') totals.captured += op.amount
    else if (op.type === 'refund') totals.refunded += op.amount
  }
  return totals
}

/** The successful charge (sale, auth or recurring) of a payment: what follow-ups refer to. */
export function chargeOf(operations: readonly Operation[]): Operation | undefined {
  return operations.find((op) => op.status === 'success' && (op.type === 'auth' || CHARGES.has(op.type)))
}

/** The follow-up operation of a payment still waiting for the provider's answer, if any. */
export function inFlightFollowUp(operations: readonly Operation[]): Operation | undefined {
  return operations.find((op) => op.status === 'processing' && FOLLOW_UP_TYPES.has(op.type))
}
