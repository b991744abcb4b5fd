import type { PaymentStatus } from '../../protocol/schemas/statuses.ts'
import { PaymentError } from './errors.ts'
import type { Payment } from './payment.ts'

/** Everything that can happen to a payment. */
export type PaymentEvent =
  | 'pay' | 'require_3ds' | 'require_redirect' | 'authorise' | 'succeed' | 'decline' | 'fail'
  | 'capture' | 'cancel' | 'refund_partial' | 'refund_full' | 'expire'

/**
 * The only writer of payment status (SPEC §6). A pair missing here is an invalid transition.
 * Hint: `decline → pay` is the shopper's retry; the attempt limit is checked by the use case,
 * because it depends on a counter, not on the status.
 */
export const TRANSITIONS = {
  new: { pay: 'processing', expire: 'expired' },
  processing: {
    require_3ds: 'awaiting 3ds result',
    require_redirect: 'awaiting redirect result',
    authorise: 'awaiting capture',
    succeed: 'success',
    decline: 'decline',
    fail: 'error',
  },
  'awaiting 3ds result': { authorise: 'awaiting capture', succeed: 'success', decline: 'decline', fail: 'error' },
  'awaiting redirect result': { authorise: 'awaiting capture', succeed: 'success', decline: 'decline', fail: 'error' },
  'awaiting capture': { capture: 'success', cancel: 'cancelled' },
  success: { refund_partial: 'partially refunded', refund_full: 'refunded' },
  'partially refunded': { refund_partial: 'partially refunded', refund_full: 'refunded' },
  decline: { pay: 'processing', expire: 'expired' },
  cancelled: {},
  refunded: {},
  expired: {},
  error: {},
} as const satisfies Record<PaymentStatus, Partial<Record<PaymentEvent, PaymentStatus>>>

/** Returns the status `event` leads to from `status`, or undefined if the table forbids it. */
export function nextStatus(status: PaymentStatus, event: PaymentEvent): PaymentStatus | undefined {
  const row: Partial<Record<PaymentEvent, PaymentStatus>> = TRANSITIONS[status]
  return row[event]
}

/**
 * Applies `event` to `payment` and returns the next payment; throws `invalid_transition` when
 * the table has no such edge. Pure: the store persists the result with compare-and-set.
 */
export function transition(payment: Payment, event: PaymentEvent, now: Date): Payment {
  const status = nextStatus(payment.status, event)
  if (!status) {
    throw new PaymentError('invalid_transition', `cannot ${event} a payment in status "${payment.status}"`)
  }
  return { ...payment, status, attempts: event === 'pay' ? payment.attempts + 1 : payment.attempts, updatedAt: now }
}
