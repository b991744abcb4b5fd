import type * as v from 'valibot'
import { CURRENCY_EXPONENTS, type Currency } from '../../../protocol/money.ts'
import type { PaymentListQuerySchema, PaymentRow } from '../../../protocol/schemas/dashboard/payments.ts'
import { PaymentError } from '../../domain/errors.ts'
import { optional, toSafeInt, type Sql } from '../../storage/sql.ts'

/** Where a page continues: strictly after this payment in (created_at, id) order, newest first. */
export type PaymentCursor = { createdAt: Date; id: string }

/** The list's filters as the query runs them; `projects` is the reader's scope (`undefined`: all, platform). */
export type PaymentFilter = {
  projects: number[] | undefined
  from?: Date
  to?: Date
  status?: string
  project?: number
  method?: string
  currency?: Currency
  amountMin?: number
  amountMax?: number
  payment?: string
  customer?: string
  first6?: string
  last4?: string
  operation?: string
  test?: boolean
  after?: PaymentCursor
}

/** The columns a row of the list needs: never `params`, which may be large. */
const COLUMNS = `id, project_id, payment_id, created_at, status, amount, currency, method, card_first6, card_last4,
  card_brand, customer_id, customer_email, description, test, operation_types`

/**
 * Builds the WHERE clause of a filter. Every condition is one of the indexes of migration 0014,
 * so no filter reads payments sequentially (checked on EXPLAIN plans in the tests).
 */
export function paymentWhere(f: PaymentFilter): { where: string; params: unknown[] } {
  const where: string[] = []
  const params: unknown[] = []
  const add = (clause: (n: string) => string, value: unknown) => {
    params.push(value)
    where.push(clause(`$${params.length}`))
  }
  if (f.projects !== undefined) add((n) => `project_id = ANY(${n}::bigint[])`, f.projects)
  if (f.project !== undefined) add((n) => `project_id = ${n}`, f.project)
  if (f.from) add((n) => `created_at >= ${n}`, f.from)
  if (f.to) add((n) => `created_at < ${n}`, f.to)
  if (f.status) add((n) => `status = ${n}`, f.status)
  if (f.method) add((n) => `method = ${n}`, f.method)
  if (f.currency) add((n) => `currency = ${n}`, f.currency)
  if (f.amountMin !== undefined) add((n) => `amount >= ${n}`, f.amountMin)
  if (f.amountMax !== undefined) add((n) => `amount <= ${n}`, f.amountMax)
  if (f.payment) add((n) => `(payment_id = ${n} OR id = ${n})`, f.payment)
  if (f.customer) {
    if (f.customer.includes('@')) add((n) => `customer_email = ${n}`, f.customer.toLowerCase())
    else add((n) => `customer_id = ${n}`, f.customer)
  }
  if (f.first6) add((n) => `card_first6 = ${n}`, f.first6)
  if (f.last4) add((n) => `card_last4 = ${n}`, f.last4)
  if (f.operation) add((n) => `operation_types @> ARRAY[${n}::text]`, f.operation)
  if (f.test !== undefined) add((n) => `test = ${n}`, f.test)
  if (f.after) {
    params.push(f.after.createdAt, f.after.id)
    where.push(`(created_at, id) < ($${params.length - 1}, $${params.length})`)
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params }
}

/** The SQL of one page: keyset, newest first, never OFFSET, never a COUNT. */
export function paymentPageSql(f: PaymentFilter, limit: number): { text: string; params: unknown[] } {
  const { where, params } = paymentWhere(f)
  params.push(limit)
  return { text: `SELECT ${COLUMNS} FROM payments ${where} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`, params }
}

/** One page of payments, newest first. */
export async function queryPayments(sql: Sql, f: PaymentFilter, limit: number): Promise<PaymentRow[]> {
  const { text, params } = paymentPageSql(f, limit)
  return (await sql.query(text, params)).map(toPaymentRow)
}

export function toPaymentRow(r: Record<string, unknown>): PaymentRow {
  const first6 = optional(r['card_first6'])
  const last4 = optional(r['card_last4'])
  const types = r['operation_types']
  return {
    id: String(r['id']),
    project_id: toSafeInt(r['project_id'], 'project_id'),
    payment_id: String(r['payment_id']),
    created_at: new Date(r['created_at'] as string).toISOString(),
    status: r['status'] as PaymentRow['status'],
    amount: toSafeInt(r['amount'], 'amount'),
    currency: String(r['currency']) as Currency,
    method: optional(r['method']) ?? null,
    card_mask: first6 || last4 ? `${first6 ?? ''}******${last4 ?? ''}` : null,
    card_brand: optional(r['card_brand']) ?? null,
    customer_id: optional(r['customer_id']) ?? null,
    customer_email: optional(r['customer_email']) ?? null,
    description: optional(r['description']) ?? null,
    test: r['test'] === true,
    operation_types: Array.isArray(types) ? types.map(String) : parsePgArray(types),
  }
}

// Some drivers hand text[] back as its literal (`{sale,refund}`).
function parsePgArray(value: unknown): string[] {
  if (typeof value !== 'string' || value.length < 2) return []
  const inner = value.slice(1, -1)
  return inner ? inner.split(',').map((s) => s.replace(/^"|"$/g, '')) : []
}

export function writePaymentCursor(row: Pick<PaymentRow, 'created_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url')
}

export function readPaymentCursor(cursor: string): PaymentCursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [unknown, unknown]
    const createdAt = new Date(String(at))
    if (typeof id === 'string' && id.length <= 64 && !Number.isNaN(createdAt.getTime())) return { createdAt, id }
  } catch {
    // reported below
  }
  throw new PaymentError('validation_failed', 'cursor: is not a cursor this list returned', { param: 'cursor' })
}

/** Reads `12.50` in a currency's exponent as minor units; more decimals than it has are refused. */
export function minorUnits(text: string, currency: Currency, param: string): number {
  const exponent = CURRENCY_EXPONENTS[currency]
  const [whole, fraction = ''] = text.replace(',', '.').split('.')
  if (fraction.length > exponent) throw new PaymentError('validation_failed', `${param}: ${currency} has ${exponent} decimals`, { param })
  return Number(whole) * 10 ** exponent + Number(fraction.padEnd(exponent, '0') || '0')
}

/** The query string of the list as a filter, within the reader's scope. */
export function paymentFilter(q: v.InferOutput<typeof PaymentListQuerySchema>, projects: number[] | undefined): PaymentFilter {
  if ((q.amount_min || q.amount_max) && !q.currency) {
    throw new PaymentError('validation_failed', 'currency: choose a currency to filter by amount', { param: 'currency' })
  }
  const f: PaymentFilter = { projects }
  if (q.from) f.from = new Date(q.from)
  if (q.to) f.to = new Date(q.to)
  if (q.status) f.status = q.status
  if (q.project !== undefined) f.project = q.project
  if (q.method) f.method = q.method
  if (q.currency) f.currency = q.currency
  if (q.amount_min && q.currency) f.amountMin = minorUnits(q.amount_min, q.currency, 'amount_min')
  if (q.amount_max && q.currency) f.amountMax = minorUnits(q.amount_max, q.currency, 'amount_max')
  if (q.payment) f.payment = q.payment
  if (q.customer) f.customer = q.customer
  if (q.first6) f.first6 = q.first6
  if (q.last4) f.last4 = q.last4
  if (q.operation) f.operation = q.operation
  if (q.mode) f.test = q.mode === 'test'
  if (q.cursor) f.after = readPaymentCursor(q.cursor)
  return f
}
