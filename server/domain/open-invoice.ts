import { PaymentError } from './errors.ts'
import { invoicePaymentId, invoiceStatus, invoiceTransition, paymentStillPayable, type Invoice, type InvoiceStore } from './invoice.ts'
import type { Clock, PaymentStore } from './ports.ts'

/** How often a compare-and-set lost to a concurrent open is tried again before `conflict`. */
const TRIES = 5

/**
 * Decides which payment a shopper opening the invoice's link pays (SPEC §14): a reusable invoice
 * starts a new payment each time; a single-use one sends the shopper back to its payment while
 * that can still end in money (a paid one shows its result), and starts the next only when the
 * last can no longer be paid — so no two payments of a single-use invoice can both succeed.
 * Hint: the payment number is taken by compare-and-set on the invoice, so two shoppers opening
 * the link at once never get one payment id meant for two, nor two ids for a single-use link.
 */
export async function openInvoice(deps: { invoices: InvoiceStore; payments: PaymentStore; clock: Clock }, id: string): Promise<{ invoice: Invoice; paymentId: string }> {
  for (let tries = 0; tries < TRIES; tries++) {
    const invoice = await deps.invoices.get(id)
    if (!invoice) throw new PaymentError('not_found', 'no such invoice')
    const now = deps.clock.now()
    const status = invoiceStatus(invoice, now)
    if (status === 'cancelled') throw new PaymentError('invoice_cancelled', 'the invoice was cancelled')
    if (status === 'expired') {
      if (invoice.status === 'active') await saveQuietly(deps.invoices, invoiceTransition(invoice, 'expire', now), invoice.version)
      throw new PaymentError('payment_expired', 'the payment link has expired')
    }
    if (!invoice.reusable) {
      if (status === 'paid') {
        const paid = invoice.paidPaymentRowId ? await deps.payments.get(invoice.paidPaymentRowId) : undefined
        if (!paid) throw new PaymentError('payment_completed', 'the invoice is paid')
        return { invoice, paymentId: paid.paymentId }
      }
      if (invoice.opened > 0) {
        const paymentId = invoicePaymentId(invoice, invoice.opened)
        const last = await deps.payments.findByMerchantId(invoice.projectId, paymentId)
        // A number taken whose payment was never created (the process stopped in between) is still free.
        if (!last || paymentStillPayable(last)) return { invoice, paymentId }
      }
    }
    try {
      const saved = await deps.invoices.save({ ...invoice, opened: invoice.opened + 1, updatedAt: now }, invoice.version)
      return { invoice: saved, paymentId: invoicePaymentId(saved, saved.opened) }
    } catch (error) {
      if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
    }
  }
  throw new PaymentError('conflict', 'the invoice is being opened concurrently; try again')
}

async function saveQuietly(invoices: InvoiceStore, next: Invoice, version: number): Promise<void> {
  try {
    await invoices.save(next, version)
  } catch (error) {
    // Someone else wrote it first (a payment, a cancel): the answer to this request stays the same.
    if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
  }
}
