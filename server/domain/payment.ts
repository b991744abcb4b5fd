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
  /** Whether the page offers to save the card: needs a signed `customer_id`. */
  saveCard: 'never' | 'offer' | 'always'
  /** The one method the merchant forced, if any. */
  forceMethod: string | undefined
  /** Validated theme JSON, as signed. */
  theme: string | undefined
  /** `parent_page`: results send the top window to the merchant URL. */
  returnMode: 'parent_page' | undefined
  /** A test payment (its project was in test mode when it was created): simulators only, marked in callbacks and status. */
  test: boolean
  /** Where it was started: the hosted page (the shopper's browser follows redirects) or the Gate (the merchant does). */
  channel: 'page' | 'gate'
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
  /** `card` or a wallet's name (`jeton`). */
  method: string
  /** Masked PAN (`424242******4242`, never the full number) or a wallet account number. */
  cardMask: string | undefined
  cardBrand: string | undefined
  /** The saved card used or created by this operation. */
  accountToken: string | undefined
  /** Where the shopper must go for the result (3-D Secure ACS, wallet page), while awaiting it. */
  redirect: { method: 'GET' | 'POST'; url: string } | undefined
  /** When the shopper came back from `redirect`, so a reload does not send them again. */
  returnedAt: Date | undefined
  createdAt: Date
  updatedAt: Date
}

/**
 * The digits of a PAN that may be shown or kept in clear: the first six and last four (PCI DSS's
 * maximum, and ECommPay's `424242******4242`), but for a PAN under 16 digits never more than
 * half, last four first.
 * Hint: a 12-digit PAN shown as 6 + 4 leaves two hidden digits, one of which Luhn gives away.
 */
export function clearPanDigits(pan: string): { first: string; last: string } {
  const shown = pan.length >= 16 ? 10 : Math.floor(pan.length / 2)
  const last = Math.min(4, shown)
  const first = Math.min(6, shown - last)
  return { first: pan.slice(0, first), last: last === 0 ? '' : pan.slice(-last) }
}

/** Masks a PAN for display, callbacks and storage: only `clearPanDigits` stay visible. */
export function maskPan(pan: string): string {
  const { first, last } = clearPanDigits(pan)
  return `${first}${'*'.repeat(pan.length - first.length - last.length)}${last}`
}

/** Statuses after which the shopper can no longer pay on the page. */
export const SETTLED_STATUSES: ReadonlySet<PaymentStatus> = new Set<PaymentStatus>([
  'awaiting capture', 'success', 'cancelled', 'partially refunded', 'refunded', 'expired', 'error',
])

/** Statuses that mean an attempt is under way and its result is not known yet. */
export const IN_FLIGHT_STATUSES: ReadonlySet<PaymentStatus> = new Set<PaymentStatus>([
  'processing', 'awaiting 3ds result', 'awaiting redirect result',
])
