import type { Currency } from '../../protocol/money.ts'
import type { InvoiceStatus } from '../../protocol/schemas/dashboard/invoices.ts'
import { PaymentError } from './errors.ts'
import type { Payment } from './payment.ts'

/** An invoice (payment link, SPEC §14): what the link charges, for how long, and how often. */
export type Invoice = {
  id: string
  projectId: number
  amount: number
  currency: Currency
  description: string | undefined
  customerEmail: string | undefined
  customerPhone: string | undefined
  reusable: boolean
  expiresAt: Date | undefined
  status: InvoiceStatus
  version: number
  /** Payments made from the link so far; the next one is number `opened + 1`. */
  opened: number
  paidPaymentRowId: string | undefined
  paidAt: Date | undefined
  createdBy: string | undefined
  createdAt: Date
  updatedAt: Date
  lastSentTo: string | undefined
  lastSentAt: Date | undefined
}

/** Everything that can happen to an invoice. */
export type InvoiceEvent = 'pay' | 'expire' | 'cancel'

/**
 * The only writer of invoice status; saves are compare-and-set on `version`.
 * Hint: `pay` leaves `expired` and `cancelled` too: a shopper whose page was already open may
 * finish paying after the expiry or the cancel (a 3-D Secure challenge, a wallet), and money
 * that arrived must show on the invoice rather than be hidden behind a state that denies it.
 */
export const INVOICE_TRANSITIONS = {
  active: { pay: 'paid', expire: 'expired', cancel: 'cancelled' },
  expired: { pay: 'paid' },
  cancelled: { pay: 'paid' },
  paid: {},
} as const satisfies Record<InvoiceStatus, Partial<Record<InvoiceEvent, InvoiceStatus>>>

/** The status as of `now`: an active invoice past its expiry is expired even before anyone writes it. */
export function invoiceStatus(invoice: Invoice, now: Date): InvoiceStatus {
  return invoice.status === 'active' && invoice.expiresAt && invoice.expiresAt.getTime() <= now.getTime() ? 'expired' : invoice.status
}

/**
 * Applies `event` to the invoice as it stands at `now` and returns the next invoice; throws
 * `invalid_transition` when the table has no such edge. Pure: the store saves with compare-and-set.
 */
export function invoiceTransition(invoice: Invoice, event: InvoiceEvent, now: Date): Invoice {
  // Expiring writes down what the clock already says; every other event starts from the status as of now.
  const from = event === 'expire' ? invoice.status : invoiceStatus(invoice, now)
  const row: Partial<Record<InvoiceEvent, InvoiceStatus>> = INVOICE_TRANSITIONS[from]
  const status = row[event]
  if (!status) throw new PaymentError('invalid_transition', `cannot ${event} an invoice that is ${from}`)
  return { ...invoice, status, updatedAt: now }
}

/**
 * The merchant `payment_id` of the n-th payment made from the link. Unique per project because
 * the invoice id is (128 random bits) and `n` counts up under compare-and-set.
 */
export function invoicePaymentId(invoice: Invoice, n: number): string {
  return `${invoice.id}-${n}`
}

/**
 * Tells whether a payment can still end in money: a single-use invoice sends the shopper back
 * to it rather than start a second payment, so at most one payment of the invoice is ever
 * payable at a time, and a paid one is never joined by another.
 */
export function paymentStillPayable(payment: Payment): boolean {
  switch (payment.status) {
    case 'expired':
    case 'error':
    case 'cancelled':
      return false
    case 'decline':
      return payment.attempts < payment.maxAttempts
    default:
      return true
  }
}

/** Persistence of invoices; every status change is a compare-and-set on `version`. */
export interface InvoiceStore {
  create(invoice: Invoice): Promise<Invoice>
  get(id: string): Promise<Invoice | undefined>
  /** Saves `next` if the stored version is still `expectedVersion`; else PaymentError('conflict'). */
  save(next: Invoice, expectedVersion: number): Promise<Invoice>
  /** Records that `paymentRowId` was made from the invoice (set once, before its page is served). */
  linkPayment(invoiceId: string, paymentRowId: string): Promise<void>
}

/**
 * What a successful payment of the invoice makes of it: a single-use invoice becomes paid by
 * that payment; a reusable one stays as it is (it collects payments) — `undefined` then, and
 * when the invoice is already paid (a second success of it is not a second transition).
 */
export function recordInvoicePayment(invoice: Invoice, paymentRowId: string, now: Date): Invoice | undefined {
  if (invoice.reusable || invoice.status === 'paid') return undefined
  return { ...invoiceTransition(invoice, 'pay', now), paidPaymentRowId: paymentRowId, paidAt: now }
}
