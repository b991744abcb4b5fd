import type { Currency } from '../../protocol/money.ts'
import { PaymentError } from '../domain/errors.ts'
import { toSafeInt, type Sql } from './sql.ts'

/** A merchant balance in one currency: what EPay owes the merchant, and the commission kept, in minor units. */
export type Balance = { currency: Currency; balance: number; commission: number }

/**
 * Reads of the double-entry ledger. The merchant balance is minus the sum of the `merchant`
 * account's postings (a sale credits the merchant: `merchant −amount`).
 */
export function createLedgerStore(sql: Sql) {
  return {
    balance: (projectId: number, currency: Currency) => merchantBalance(sql, projectId, currency),
    async balances(projectId: number, currency?: Currency): Promise<Balance[]> {
      const rows = await sql.query<{ currency: string; total: unknown; commission: unknown }>(
        `SELECT currency, -COALESCE(SUM(amount) FILTER (WHERE account = 'merchant'), 0) AS total,
                -COALESCE(SUM(amount) FILTER (WHERE account = 'commission'), 0) AS commission FROM ledger_postings
         WHERE project_id = $1 AND account IN ('merchant', 'commission') AND ($2::char(3) IS NULL OR currency = $2)
         GROUP BY currency ORDER BY currency`,
        [projectId, currency ?? null],
      )
      return rows.map((r) => ({ currency: r.currency as Currency, balance: toSafeInt(r.total, 'balance'), commission: toSafeInt(r.commission, 'commission') }))
    },
  }
}
export type LedgerStore = ReturnType<typeof createLedgerStore>

/**
 * Takes the project-and-currency balance lock for the rest of the transaction, then refuses
 * when the balance does not cover `amount`.
 * Hint: check and posting happen in one transaction under the lock, so twenty concurrent
 * payouts cannot each see the same balance and together overdraw it (check-then-act). The
 * lock is a transaction-scoped advisory lock, released at commit; PGlite has them too.
 */
export async function lockAndCheckBalance(tx: Sql, projectId: number, currency: Currency, amount: number): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`epay-balance:${projectId}:${currency}`])
  const balance = await merchantBalance(tx, projectId, currency)
  if (balance < amount) throw new PaymentError('insufficient_balance', 'Insufficient funds on merchant balance')
}

async function merchantBalance(sql: Sql, projectId: number, currency: Currency): Promise<number> {
  const rows = await sql.query<{ total: unknown }>(
    `SELECT -COALESCE(SUM(amount), 0) AS total FROM ledger_postings WHERE project_id = $1 AND currency = $2 AND account = 'merchant'`,
    [projectId, currency],
  )
  return toSafeInt(rows[0]?.total ?? 0, 'balance')
}
