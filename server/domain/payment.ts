import type { Currency } from '../../protocol/money.ts'
import type { OperationStatus, OperationType, PaymentStatus } from '../../protocol/schemas/statuses.ts'

/** The merchant's order, unique per `(projectId, paymentId)`; its status changes only through transition(). */
export type Payment = {
  /** EPay's own id (`pay_…`). */
  id: string
  projectId: number
  /** The merchant's `payment_id`. */
  paymentId: string
  type: 'purchase' | 'payout' | 'card_verify'
  /** `sale` (one-stage) or `auth` (two-stage). */
  operationType: 'sale' | 'auth'
  amount: number
  currency: Currency
  description: string | undefined
  customerId: string | undefined
  languageCode: string | undefined
  status: PaymentStatus
  attempts: number
  maxAttempts: number
  bestBefore: Date | undefined
  callbackUrl: string | undefined
  successUrl: string | undefined
  failUrl: string | undefined
  returnUrl: string | undefined
  /** Every signed parameter as received, kept for audit and for parameters EPay ignores today. */
  params: Record<string, string>
  version: number
  createdAt: Date
  updatedAt: Date
}

/** One money action on a payment (SPEC §6). */
export type Operation = {
  /** Random positive safe integer, unique; also the reference the acquirer dedupes on. */
  id: number
  paymentRowId: string
  type: OperationType
  status: OperationStatus
  amount: number
  currency: Currency
  requestId: string
  provider: { id: string; paymentId: string | undefined; authCode: string | undefined }
  code: string | undefined
  message: string | undefined
  /** Masked PAN, `424242******4242`, never the full number. */
  cardMask: string | undefined
  cardBrand: string | undefined
  createdAt: Date
  updatedAt: Date
}

/** Masks a PAN as ECommPay does: first six and last four digits. */
export function maskPan(pan: string): string {
  return `${pan.slice(0, 6)}${'*'.repeat(Math.max(0, pan.length - 10))}${pan.slice(-4)}`
}

/** Statuses after which the shopper can no longer pay on the page. */
export const SETTLED_STATUSES: ReadonlySet<PaymentStatus> = new Set<PaymentStatus>([
  'awaiting capture', 'success', 'cancelled', 'partially refunded', 'refunded', 'expired', 'error',
])

/** Statuses that mean an attempt is under way and its result is not known yet. */
export const IN_FLIGHT_STATUSES: ReadonlySet<PaymentStatus> = new Set<PaymentStatus>([
  'processing', 'awaiting 3ds result', 'awaiting redirect result',
])
