import * as v from 'valibot'
import type { InvoiceListQuerySchema, InvoiceView } from '../../../protocol/schemas/dashboard/invoices.ts'
import { invoiceStatus, type Invoice } from '../../domain/invoice.ts'
import { toInvoice } from '../../storage/invoice-store.ts'
import type { Sql } from '../../storage/sql.ts'
import { toSafeInt } from '../../storage/sql.ts'
import { readPaymentCursor, writePaymentCursor } from '../payments/payment-query.ts'

/** Payment statuses that mean the shopper's money arrived (refunds later do not undo that it was paid). */
export const PAID_STATUSES = ['success', 'partially refunded', 'refunded'] as const

type Query = v.InferOutput<typeof InvoiceListQuerySchema>

/**
 * One page of invoices, newest first, keyset-paged on `(created_at, id)` (no OFFSET), within
 * `projects` (`undefined`: every project, for platform operators). The status filter is the
 * status as of `now`: an active invoice past its expiry is listed as expired.
 */
export async function queryInvoices(sql: Sql, q: Query, projects: number[] | undefined, now: Date, limit: number): Promise<Array<Invoice & { paidCount: number }>> {
  const where: string[] = []
  const params: unknown[] = []
  const param = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  if (projects) where.push(`i.project_id = ANY(${param(projects)}::bigint[])`)
  if (q.project !== undefined) where.push(`i.project_id = ${param(q.project)}`)
  if (q.status === 'active') where.push(`i.status = 'active' AND (i.expires_at IS NULL OR i.expires_at > ${param(now)})`)
  else if (q.status === 'expired') where.push(`(i.status = 'expired' OR (i.status = 'active' AND i.expires_at <= ${param(now)}))`)
  else if (q.status) where.push(`i.status = ${param(q.status)}`)
  if (q.from) where.push(`i.created_at >= ${param(new Date(q.from))}`)
  if (q.to) where.push(`i.created_at < ${param(new Date(q.to))}`)
  if (q.cursor) {
    const after = readPaymentCursor(q.cursor)
    where.push(`(i.created_at, i.id) < (${param(after.createdAt)}, ${param(after.id)})`)
  }
  const rows = await sql.query(
    `SELECT i.*, (SELECT count(*) FROM payments p WHERE p.invoice_id = i.id AND p.status IN ('success', 'partially refunded', 'refunded')) AS paid_count
     FROM invoices i ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY i.created_at DESC, i.id DESC LIMIT ${param(limit)}`,
    params,
  )
  return rows.map((r) => ({ ...toInvoice(r), paidCount: toSafeInt(r['paid_count'], 'paid_count') }))
}

/** How many payments of the invoice were paid. */
export async function paidCount(sql: Sql, invoiceId: string): Promise<number> {
  const rows = await sql.query(`SELECT count(*) AS n FROM payments WHERE invoice_id = $1 AND status IN ('success', 'partially refunded', 'refunded')`, [invoiceId])
  return toSafeInt(rows[0]!['n'], 'n')
}

/** The link a shopper opens. */
export function invoiceUrl(publicUrl: string, id: string): string {
  return `${publicUrl}/invoice/${id}`
}

/** An invoice as the dashboard shows it, its status as of `now`. */
export function toInvoiceView(invoice: Invoice, paid: number, publicUrl: string, now: Date): InvoiceView {
  return {
    id: invoice.id,
    project_id: invoice.projectId,
    amount: invoice.amount,
    currency: invoice.currency,
    description: invoice.description ?? null,
    customer_email: invoice.customerEmail ?? null,
    customer_phone: invoice.customerPhone ?? null,
    reusable: invoice.reusable,
    expires_at: invoice.expiresAt?.toISOString() ?? null,
    status: invoiceStatus(invoice, now),
    created_at: invoice.createdAt.toISOString(),
    paid_at: invoice.paidAt?.toISOString() ?? null,
    paid_payment: invoice.paidPaymentRowId ?? null,
    paid_count: paid,
    url: invoiceUrl(publicUrl, invoice.id),
    last_sent_to: invoice.lastSentTo ?? null,
    last_sent_at: invoice.lastSentAt?.toISOString() ?? null,
  }
}

export const writeInvoiceCursor = (view: Pick<InvoiceView, 'created_at' | 'id'>) => writePaymentCursor(view)
