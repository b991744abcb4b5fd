import { PaymentError } from './errors.ts'
import { invoiceTransition, type Invoice, type InvoiceStore } from './invoice.ts'
import type { Clock, PaymentStore } from './ports.ts'
import { transition } from './transitions.ts'

/**
 * Cancels an invoice (staff, SPEC §14): its link opens nothing any more, and its payments that
 * nobody has started paying (`new`, or declined with attempts left) expire through the payment
 * transition table, so a page left open cannot be paid after the cancel either.
 * Hint: an attempt already running (a 3-D Secure challenge, a wallet) cannot be stopped from
 * here; if it succeeds, the invoice shows that payment (`cancelled → paid`).
 */
export async function cancelInvoice(deps: { invoices: InvoiceStore; payments: PaymentStore; clock: Clock }, invoice: Invoice, paymentRowIds: readonly string[]): Promise<Invoice> {
  const now = deps.clock.now()
  const cancelled = await deps.invoices.save(invoiceTransition(invoice, 'cancel', now), invoice.version)
  for (const id of paymentRowIds) {
    const payment = await deps.payments.get(id)
    if (!payment || (payment.status !== 'new' && payment.status !== 'decline')) continue
    try {
      await deps.payments.apply({ payment: transition(payment, 'expire', now), expectedVersion: payment.version })
    } catch (error) {
      // The shopper's attempt started first: that attempt decides, as the Hint above says.
      if (!(error instanceof PaymentError && (error.code === 'conflict' || error.code === 'invalid_transition'))) throw error
    }
  }
  return cancelled
}
