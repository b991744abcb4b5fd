import type { PaymentState } from '../../protocol/schemas/page-api.ts'
import type { Operation, Payment } from '../domain/payment.ts'

/** Maps a stored payment and its operations to what the hosted page may see. */
export function toPaymentState(payment: Payment, operations: readonly Operation[]): PaymentState {
  const attempt = [...operations].reverse().find((o) => o.type === 'sale' || o.type === 'auth')
  const attemptsLeft = Math.max(0, payment.maxAttempts - payment.attempts)
  const state: PaymentState = { status: payment.status, attempts_left: attemptsLeft }
  if (attempt) {
    state.last_attempt = {
      status: attempt.status,
      ...(attempt.code ? { code: attempt.code } : {}),
      ...(attempt.message ? { message: attempt.message } : {}),
      ...(attempt.cardMask ? { card: attempt.cardMask } : {}),
    }
  }
  const returnUrl = returnUrlFor(payment, attemptsLeft)
  if (returnUrl) state.return_url = returnUrl
  if (payment.returnMode) state.return_mode = payment.returnMode
  return state
}

function returnUrlFor(payment: Payment, attemptsLeft: number): string | undefined {
  switch (payment.status) {
    case 'success':
    case 'awaiting capture':
      return payment.successUrl ?? payment.returnUrl
    case 'decline':
      return attemptsLeft === 0 ? payment.failUrl ?? payment.returnUrl : payment.returnUrl
    case 'expired':
    case 'error':
      return payment.failUrl ?? payment.returnUrl
    default:
      return payment.returnUrl
  }
}
