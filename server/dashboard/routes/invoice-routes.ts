import { randomBytes } from 'node:crypto'
import type { Hono } from 'hono'
import QRCode from 'qrcode'
import * as v from 'valibot'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { InvoiceIdSchema } from '../../../protocol/schemas/dashboard/invoices.ts'
import { cancelInvoice } from '../../domain/cancel-invoice.ts'
import { PaymentError } from '../../domain/errors.ts'
import { invoiceStatus, type Invoice } from '../../domain/invoice.ts'
import type { AppDeps, AppEnv } from '../../http/deps.ts'
import { roleCan } from '../access/permissions.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import type { DashboardProject } from '../http/load-project.ts'
import { invoiceUrl, paidCount, queryInvoices, toInvoiceView, writeInvoiceCursor } from '../invoices/invoice-query.ts'
import { invoiceMail } from '../mail/invoice-mail.ts'
import { toPaymentRow } from '../payments/payment-query.ts'
import { visibleProjects } from './payment-routes.ts'

const PAGE = 50
/** The furthest expiry a link may have: a payment link is a request to pay, not a standing order. */
const MAX_EXPIRY_MS = 366 * 24 * 3600_000
/** Payments of one invoice shown on its page (a reusable link may collect many; the list has them all). */
const PAYMENTS_SHOWN = 100

/**
 * Invoices (payment links, SPEC §14). Seeing them needs `payments.read`; creating, cancelling and
 * mailing them needs `payments.manage` — an invoice asks a shopper for money in the merchant's
 * name, which SPEC §14 gives to owners and managers, as refunds and captures.
 */
export function invoiceRoutes(router: Hono<AppEnv>, deps: DashboardDeps, app: AppDeps): void {
  const read = { auth: 'user', permission: 'payments.read' } as const
  const manage = { auth: 'user', permission: 'payments.manage' } as const
  const domain = { invoices: deps.invoices, payments: app.payments, clock: deps.clock }

  mount(router, deps, ENDPOINTS.invoices, read, async ({ user, query, meta }) => {
    const rows = await queryInvoices(deps.sql, query, await visibleProjects(deps, user!), meta.now, PAGE + 1)
    const page = rows.slice(0, PAGE).map((r) => toInvoiceView(r, r.paidCount, deps.publicUrl, meta.now))
    return { invoices: page, next_cursor: rows.length > PAGE ? writeInvoiceCursor(page.at(-1)!) : null }
  })

  mount(router, deps, ENDPOINTS.createInvoice, manage, async ({ body, user, project, meta, entry }) => {
    const expiresAt = body.expires_at ? new Date(body.expires_at) : undefined
    if (expiresAt && expiresAt.getTime() <= meta.now.getTime()) throw new PaymentError('validation_failed', 'expires_at: must be in the future', { param: 'expires_at' })
    if (expiresAt && expiresAt.getTime() > meta.now.getTime() + MAX_EXPIRY_MS) throw new PaymentError('validation_failed', 'expires_at: must be within a year', { param: 'expires_at' })
    const invoice = await deps.invoices.create({
      id: `inv_${randomBytes(16).toString('base64url')}`,
      projectId: project!.id,
      amount: body.amount,
      currency: body.currency,
      description: body.description || undefined,
      customerEmail: body.customer_email || undefined,
      customerPhone: body.customer_phone || undefined,
      reusable: body.reusable,
      expiresAt,
      status: 'active',
      version: 0,
      opened: 0,
      paidPaymentRowId: undefined,
      paidAt: undefined,
      createdBy: user!.id,
      createdAt: meta.now,
      updatedAt: meta.now,
      lastSentTo: undefined,
      lastSentAt: undefined,
    })
    await journal(deps, entry({ action: 'invoice_created', projectId: project!.id, target: invoice.id, after: { ...body } }))
    return toInvoiceView(invoice, 0, deps.publicUrl, meta.now)
  })

  mount(router, deps, ENDPOINTS.invoice, read, async ({ c, user, project, meta }) => {
    const invoice = await invoiceIn(deps, project!, c.req.param('invoice'))
    const rows = await deps.sql.query(`SELECT * FROM payments WHERE invoice_id = $1 ORDER BY created_at DESC, id DESC LIMIT ${PAYMENTS_SHOWN}`, [invoice.id])
    const status = invoiceStatus(invoice, meta.now)
    const manages = roleCan(user!.role, 'payments.manage')
    return {
      invoice: toInvoiceView(invoice, await paidCount(deps.sql, invoice.id), deps.publicUrl, meta.now),
      project_name: project!.name,
      qr_svg: await QRCode.toString(invoiceUrl(deps.publicUrl, invoice.id), { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#111827', light: '#ffffff' } }),
      payments: rows.map(toPaymentRow),
      actions: { cancel: manages && status === 'active', send: manages && status === 'active' },
    }
  })

  mount(router, deps, ENDPOINTS.cancelInvoice, manage, async ({ c, project, meta, entry }) => {
    const invoice = await invoiceIn(deps, project!, c.req.param('invoice'))
    const cancelled = await cancelInvoice(domain, invoice, await deps.invoices.paymentRowIds(invoice.id))
    await journal(deps, entry({ action: 'invoice_cancelled', projectId: project!.id, target: invoice.id, before: { status: invoiceStatus(invoice, meta.now) }, after: { status: cancelled.status } }))
    return toInvoiceView(cancelled, await paidCount(deps.sql, invoice.id), deps.publicUrl, meta.now)
  })

  mount(router, deps, ENDPOINTS.sendInvoice, manage, async ({ c, body, project, meta, entry }) => {
    const invoice = await invoiceIn(deps, project!, c.req.param('invoice'))
    const to = body.email ?? invoice.customerEmail
    if (!to) throw new PaymentError('validation_failed', 'email: give an address (the invoice has no customer email)', { param: 'email' })
    const status = invoiceStatus(invoice, meta.now)
    if (status !== 'active') throw new PaymentError('invalid_transition', `an invoice that is ${status} cannot be sent`)
    const mail = invoiceMail(body.language, to, {
      merchant: project!.name, amount: invoice.amount, currency: invoice.currency, description: invoice.description, expiresAt: invoice.expiresAt, url: invoiceUrl(deps.publicUrl, invoice.id),
    })
    // Sent while the request waits: the answer says the mail server took it, never a hopeful "sent".
    try {
      await deps.mailer.send(mail)
    } catch (error) {
      deps.logger.warn('invoice mail not sent', { invoice: invoice.id, error })
      throw new PaymentError('provider_error', 'the mail server did not take the message; try again')
    }
    const saved = await markSent(deps, invoice, to, meta.now)
    await journal(deps, entry({ action: 'invoice_sent', projectId: project!.id, target: invoice.id, after: { to, language: body.language } }))
    return toInvoiceView(saved, await paidCount(deps.sql, invoice.id), deps.publicUrl, meta.now)
  })
}

/** Records the last address the link was mailed to; a concurrent change (a payment) is read again. */
async function markSent(deps: DashboardDeps, invoice: Invoice, to: string, now: Date): Promise<Invoice> {
  let current = invoice
  for (let tries = 0; ; tries++) {
    try {
      return await deps.invoices.save({ ...current, lastSentTo: to, lastSentAt: now, updatedAt: now }, current.version)
    } catch (error) {
      const fresh = await deps.invoices.get(invoice.id)
      if (!(error instanceof PaymentError && error.code === 'conflict') || !fresh || tries >= 3) throw error
      current = fresh
    }
  }
}

/** The invoice a path names, within the path's project (whose scope the endpoint checked): else 404. */
async function invoiceIn(deps: DashboardDeps, project: DashboardProject, id: string | undefined): Promise<Invoice> {
  const invoice = v.is(InvoiceIdSchema, id) ? await deps.invoices.get(id) : undefined
  if (!invoice || invoice.projectId !== project.id) throw new PaymentError('not_found', 'no such invoice')
  return invoice
}
