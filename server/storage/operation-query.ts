import type { Operation, Payment } from '../domain/payment.ts'
import { toOperation, toPayment } from './payment-store.ts'
import type { Sql } from './sql.ts'

/** Filters of `/v2/operations/get` (SPEC §9); every one optional except the project. */
export type OperationFilter = {
  projectId: number
  dateFrom: Date | undefined
  dateTo: Date | undefined
  statuses: readonly string[] | undefined
  types: readonly string[] | undefined
  methods: readonly string[] | undefined
  customerId: string | undefined
  paymentId: string | undefined
  /** The last item of the previous page: the list continues strictly after it. */
  after: { createdAt: Date; id: number } | undefined
  limit: number
}

/** Read-side queries over operations: the merchant's list and the stalled follow-ups. */
export function createOperationQuery(sql: Sql) {
  return {
    /** Operations newest first, with their payments; `(created_at, id)` orders them totally, so cursors never skip or repeat. */
    async list(f: OperationFilter): Promise<Array<{ payment: Payment; operation: Operation }>> {
      const where = ['p.project_id = $1']
      const params: unknown[] = [f.projectId]
      const add = (clause: (n: string) => string, value: unknown) => {
        params.push(value)
        where.push(clause(`$${params.length}`))
      }
      if (f.dateFrom) add((n) => `o.created_at >= ${n}`, f.dateFrom)
      if (f.dateTo) add((n) => `o.created_at < ${n}`, f.dateTo)
      if (f.statuses?.length) add((n) => `o.status = ANY(${n}::text[])`, f.statuses)
      if (f.types?.length) add((n) => `o.type = ANY(${n}::text[])`, f.types)
      if (f.methods?.length) add((n) => `o.method = ANY(${n}::text[])`, f.methods)
      if (f.customerId !== undefined) add((n) => `p.customer_id = ${n}`, f.customerId)
      if (f.paymentId !== undefined) add((n) => `p.payment_id = ${n}`, f.paymentId)
      if (f.after) {
        params.push(f.after.createdAt, f.after.id)
        where.push(`(o.created_at, o.id) < ($${params.length - 1}, $${params.length})`)
      }
      params.push(f.limit)
      const rows = await sql.query<{ op: unknown; pay: unknown }>(
        `SELECT row_to_json(o) AS op, row_to_json(p) AS pay FROM operations o JOIN payments p ON p.id = o.payment_row_id
         WHERE ${where.join(' AND ')} ORDER BY o.created_at DESC, o.id DESC LIMIT $${params.length}`,
        params,
      )
      return rows.map((r) => ({ payment: toPayment(json(r.pay)), operation: toOperation(json(r.op)) }))
    },
    /** Follow-ups and recurring charges still `processing` since before `before`, oldest first. */
    async stalledFollowUps(before: Date, limit: number): Promise<Array<{ payment: Payment; operation: Operation }>> {
      const rows = await sql.query<{ op: unknown; pay: unknown }>(
        `SELECT row_to_json(o) AS op, row_to_json(p) AS pay FROM operations o JOIN payments p ON p.id = o.payment_row_id
         WHERE o.type IN ('capture', 'cancel', 'refund', 'payout', 'recurring') AND o.status = 'processing' AND o.updated_at < $1
         ORDER BY o.updated_at LIMIT $2`,
        [before, limit],
      )
      return rows.map((r) => ({ payment: toPayment(json(r.pay)), operation: toOperation(json(r.op)) }))
    },
  }
}
export type OperationQuery = ReturnType<typeof createOperationQuery>

// Drivers hand JSON columns back parsed (pg, PGlite) or as text; both become a record here.
function json(value: unknown): Record<string, unknown> {
  return (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>
}
