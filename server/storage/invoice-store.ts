import type { Currency } from '../../protocol/money.ts'
import type { InvoiceStatus } from '../../protocol/schemas/dashboard/invoices.ts'
import { PaymentError } from '../domain/errors.ts'
import { recordInvoicePayment, type Invoice, type InvoiceStore } from '../domain/invoice.ts'
import { optional, optionalDate, toSafeInt, type Sql } from './sql.ts'

/** InvoiceStore on SQL: compare-and-set on `version`. */
export function createInvoiceStore(sql: Sql): InvoiceStore & { paymentRowIds(invoiceId: string): Promise<string[]> } {
  return {
    async create(i) {
      const rows = await sql.query(
        `INSERT INTO invoices (id, project_id, amount, currency, description, customer_email, customer_phone, reusable, expires_at,
           status, version, opened, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0, 0, $11, $12, $12) RETURNING *`,
        [i.id, i.projectId, i.amount, i.currency, i.description ?? null, i.customerEmail ?? null, i.customerPhone ?? null, i.reusable,
          i.expiresAt ?? null, i.status, i.createdBy ?? null, i.createdAt],
      )
      return toInvoice(rows[0]!)
    },
    get: (id) => getInvoice(sql, id),
    save: (next, expectedVersion) => saveInvoice(sql, next, expectedVersion),
    async linkPayment(invoiceId, paymentRowId) {
      const rows = await sql.query(`UPDATE payments SET invoice_id = $2 WHERE id = $1 AND (invoice_id IS NULL OR invoice_id = $2) RETURNING id`, [paymentRowId, invoiceId])
      if (!rows[0]) throw new PaymentError('conflict', 'the payment belongs to another invoice')
    },
    async paymentRowIds(invoiceId) {
      const rows = await sql.query<{ id: string }>(`SELECT id FROM payments WHERE invoice_id = $1 ORDER BY created_at`, [invoiceId])
      return rows.map((r) => r.id)
    },
  }
}

async function getInvoice(sql: Sql, id: string): Promise<Invoice | undefined> {
  const rows = await sql.query('SELECT * FROM invoices WHERE id = $1', [id])
  return rows[0] ? toInvoice(rows[0]) : undefined
}

async function saveInvoice(sql: Sql, next: Invoice, expectedVersion: number): Promise<Invoice> {
  const rows = await sql.query(
    `UPDATE invoices SET status = $3, opened = $4, paid_payment_row_id = $5, paid_at = $6, updated_at = $7, last_sent_to = $8,
       last_sent_at = $9, version = version + 1
     WHERE id = $1 AND version = $2 RETURNING *`,
    [next.id, expectedVersion, next.status, next.opened, next.paidPaymentRowId ?? null, next.paidAt ?? null, next.updatedAt,
      next.lastSentTo ?? null, next.lastSentAt ?? null],
  )
  if (!rows[0]) throw new PaymentError('conflict', 'the invoice changed concurrently; reload it')
  return toInvoice(rows[0])
}

/**
 * Marks the invoice of a payment that just succeeded, inside the payment's own transaction
 * (payment-store.ts): whichever path settled the payment — the page, a 3-D Secure or wallet
 * return, a provider's notification, the stall resolver — the invoice is paid with it, or not
 * at all. A concurrent change of the invoice (a cancel) is read again and the transition retried.
 */
export async function recordPaymentOnInvoice(tx: Sql, invoiceId: string, paymentRowId: string, now: Date): Promise<void> {
  for (let tries = 0; tries < 5; tries++) {
    const invoice = await getInvoice(tx, invoiceId)
    const next = invoice && recordInvoicePayment(invoice, paymentRowId, now)
    if (!invoice || !next) return
    try {
      await saveInvoice(tx, next, invoice.version)
      return
    } catch (error) {
      if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
    }
  }
  throw new PaymentError('conflict', 'the invoice changed concurrently')
}

export function toInvoice(r: Record<string, unknown>): Invoice {
  return {
    id: String(r['id']),
    projectId: toSafeInt(r['project_id'], 'project_id'),
    amount: toSafeInt(r['amount'], 'amount'),
    currency: String(r['currency']) as Currency,
    description: optional(r['description']),
    customerEmail: optional(r['customer_email']),
    customerPhone: optional(r['customer_phone']),
    reusable: r['reusable'] === true,
    expiresAt: optionalDate(r['expires_at']),
    status: String(r['status']) as InvoiceStatus,
    version: toSafeInt(r['version'], 'version'),
    opened: toSafeInt(r['opened'], 'opened'),
    paidPaymentRowId: optional(r['paid_payment_row_id']),
    paidAt: optionalDate(r['paid_at']),
    createdBy: optional(r['created_by']),
    createdAt: new Date(r['created_at'] as string),
    updatedAt: new Date(r['updated_at'] as string),
    lastSentTo: optional(r['last_sent_to']),
    lastSentAt: optionalDate(r['last_sent_at']),
  }
}
