import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import { InvoiceIdSchema } from '../../../protocol/schemas/dashboard/invoices.ts'
import { PaymentPageParamsSchema } from '../../../protocol/schemas/payment-page.ts'
import { PaymentError } from '../../domain/errors.ts'
import { invoiceStatus, type Invoice } from '../../domain/invoice.ts'
import { openInvoice } from '../../domain/open-invoice.ts'
import { openPayment } from '../../domain/open-payment.ts'
import { sign } from '../../signature/signature.ts'
import type { AppDeps, AppEnv } from '../deps.ts'

/**
 * `GET /invoice/<id>` (SPEC §14): the link of an invoice. EPay picks the invoice's payment
 * (openInvoice), opens it exactly as a signed Payment Page request would, links it to the invoice
 * and sends the shopper to the normal hosted page with parameters EPay signed itself with the
 * project's current secret. The link carries no secret and no signature: its id is the whole
 * credential, and it can be cancelled.
 * Hint: the payment is created and linked here, before the shopper has a page, so its success
 * always reaches the invoice (payment-store.ts). The page URL reopens that same payment.
 */
export function invoiceLinkRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/invoice/:id', async (c) => {
    const id = c.req.param('id')
    if (!v.is(InvoiceIdSchema, id)) throw new PaymentError('not_found', 'no such invoice')
    // Link checkers and mail scanners send HEAD: it must not start a payment, only say whether one would open.
    if (c.req.method === 'HEAD') return checkLink(c, deps, id)
    const invoices = deps.dashboard.invoices
    const { invoice, paymentId } = await openInvoice({ invoices, payments: deps.payments, clock: deps.clock }, id)
    const project = await deps.projects.get(invoice.projectId)
    if (!project) throw new PaymentError('not_found', 'no such invoice')
    const params = pageParams(invoice, paymentId)
    const payment = await openPayment({ ...deps, limits: deps.gate.limits }, project, v.parse(PaymentPageParamsSchema, params), params)
    await invoices.linkPayment(invoice.id, payment.id)
    const query = new URLSearchParams({ ...params, signature: sign(params, project.secrets[0]!) })
    c.header('Cache-Control', 'no-store')
    return c.redirect(`/payment?${query}`, 303)
  })
  return app
}

/** The Payment Page parameters of the invoice's payment: amount and currency from the stored invoice only. */
function pageParams(invoice: Invoice, paymentId: string): Record<string, string> {
  const params: Record<string, string> = {
    project_id: String(invoice.projectId),
    payment_id: paymentId,
    payment_amount: String(invoice.amount),
    payment_currency: invoice.currency,
  }
  if (invoice.description) params['payment_description'] = invoice.description
  if (invoice.customerEmail) params['customer_email'] = invoice.customerEmail
  if (invoice.customerPhone) params['customer_phone'] = invoice.customerPhone
  if (invoice.expiresAt) params['best_before'] = invoice.expiresAt.toISOString()
  return params
}

async function checkLink(c: Context<AppEnv>, deps: AppDeps, id: string): Promise<Response> {
  const invoice = await deps.dashboard.invoices.get(id)
  if (!invoice) throw new PaymentError('not_found', 'no such invoice')
  const status = invoiceStatus(invoice, deps.clock.now())
  if (status === 'cancelled') throw new PaymentError('invoice_cancelled', 'the invoice was cancelled')
  if (status === 'expired') throw new PaymentError('payment_expired', 'the payment link has expired')
  return c.body(null, 200, { 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-store' })
}
