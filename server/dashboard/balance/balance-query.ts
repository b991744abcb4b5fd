import type { Currency } from '../../../protocol/money.ts'
import type { BalanceLine, PayoutRow } from '../../../protocol/schemas/dashboard/balance.ts'
import { optional, toSafeInt, type Sql } from '../../storage/sql.ts'
import { paymentWhere, type PaymentFilter } from '../payments/payment-query.ts'

/**
 * Each project's money per currency, summed from the ledger's postings (never from payments), so
 * the screen shows exactly what the Gate's `/v2/balance` and the 3028 check see.
 * Hint: credits are negative in this ledger, so each figure is minus its account's sum; `paid_out`
 * is the acquirer leg of made payouts.
 */
export async function projectBalances(sql: Sql, projects: readonly { id: number; name: string }[]): Promise<BalanceLine[]> {
  if (projects.length === 0) return []
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT project_id, currency,
            -COALESCE(SUM(amount) FILTER (WHERE account = 'merchant'), 0) AS available,
            -COALESCE(SUM(amount) FILTER (WHERE account = 'commission'), 0) AS commission,
            -COALESCE(SUM(amount) FILTER (WHERE account = 'payouts_pending'), 0) AS in_flight,
            -COALESCE(SUM(amount) FILTER (WHERE account = 'acquirer' AND kind = 'payout'), 0) AS paid_out
       FROM ledger_postings WHERE project_id = ANY($1::bigint[])
      GROUP BY project_id, currency ORDER BY project_id, currency`,
    [projects.map((p) => p.id)],
  )
  const names = new Map(projects.map((p) => [p.id, p.name]))
  return rows.map((r) => {
    const projectId = toSafeInt(r['project_id'], 'project_id')
    return {
      project_id: projectId,
      project_name: names.get(projectId) ?? String(projectId),
      currency: String(r['currency']) as Currency,
      available: toSafeInt(r['available'], 'available'),
      commission: toSafeInt(r['commission'], 'commission'),
      in_flight: toSafeInt(r['in_flight'], 'in_flight'),
      paid_out: toSafeInt(r['paid_out'], 'paid_out'),
    }
  })
}

/**
 * One page of payouts, newest first, with their payout operation's result: the payments list's
 * own keyset query narrowed to payments holding a payout (its GIN index), then one lookup of
 * those operations by payment.
 */
export async function queryPayouts(sql: Sql, filter: PaymentFilter, limit: number): Promise<PayoutRow[]> {
  const { where, params } = paymentWhere({ ...filter, operation: 'payout' })
  params.push(limit)
  const rows = await sql.query<Record<string, unknown>>(
    `SELECT id, project_id, payment_id, created_at, status, amount, currency FROM payments ${where}
      ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
    params,
  )
  if (rows.length === 0) return []
  const ops = await sql.query<Record<string, unknown>>(
    `SELECT DISTINCT ON (payment_row_id) payment_row_id, method, code, message, card_mask FROM operations
      WHERE payment_row_id = ANY($1::text[]) AND type = 'payout' ORDER BY payment_row_id, id DESC`,
    [rows.map((r) => String(r['id']))],
  )
  const byPayment = new Map(ops.map((o) => [String(o['payment_row_id']), o]))
  return rows.map((r) => {
    const op = byPayment.get(String(r['id']))
    return {
      id: String(r['id']),
      project_id: toSafeInt(r['project_id'], 'project_id'),
      payment_id: String(r['payment_id']),
      created_at: new Date(r['created_at'] as string).toISOString(),
      status: r['status'] as PayoutRow['status'],
      amount: toSafeInt(r['amount'], 'amount'),
      currency: String(r['currency']) as Currency,
      method: optional(op?.['method']) ?? null,
      destination: optional(op?.['card_mask']) ?? null,
      code: optional(op?.['code']) ?? null,
      message: optional(op?.['message']) ?? null,
    }
  })
}
