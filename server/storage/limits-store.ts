import type { Currency } from '../../protocol/money.ts'
import type { AmountLimits, DailyKey, LimitStore, LimitedOperation } from '../domain/limits.ts'
import { toSafeInt, type Sql } from './sql.ts'

/** Project limits and daily totals on SQL, plus what the CLI needs to set them. */
export function createLimitStore(sql: Sql): LimitStore & {
  set(projectId: number, operation: LimitedOperation, currency: Currency, limits: AmountLimits): Promise<void>
  list(projectId: number): Promise<Array<AmountLimits & { operation: string; currency: string }>>
  replace(projectId: number, rows: Array<AmountLimits & { operation: LimitedOperation; currency: Currency }>): Promise<void>
} {
  const read = (r: Record<string, unknown>): AmountLimits => ({
    minAmount: nullable(r['min_amount'], 'min_amount'),
    maxAmount: nullable(r['max_amount'], 'max_amount'),
    dailyAmount: nullable(r['daily_amount'], 'daily_amount'),
    dailyCount: nullable(r['daily_count'], 'daily_count'),
    monthlyAmount: nullable(r['monthly_amount'], 'monthly_amount'),
    monthlyCount: nullable(r['monthly_count'], 'monthly_count'),
  })
  return {
    async get(projectId, operation, currency) {
      const rows = await sql.query('SELECT * FROM project_limits WHERE project_id = $1 AND operation = $2 AND currency = $3', [projectId, operation, currency])
      return rows[0] ? read(rows[0]) : undefined
    },
    async reserveDaily(key, amount, limits) {
      const pk = [key.projectId, key.operation, key.currency, key.day]
      await sql.query('INSERT INTO daily_totals (project_id, operation, currency, day) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', pk)
      // One conditional UPDATE: the row lock makes concurrent reservations take turns, and each
      // sees the totals the previous one left.
      const rows = await sql.query(
        `UPDATE daily_totals SET amount = amount + $5, count = count + 1
         WHERE project_id = $1 AND operation = $2 AND currency = $3 AND day = $4
           AND ($6::bigint IS NULL OR amount + $5 <= $6) AND ($7::integer IS NULL OR count + 1 <= $7)
         RETURNING day`,
        [...pk, amount, limits.dailyAmount ?? null, limits.dailyCount ?? null],
      )
      return rows.length > 0
    },
    async releaseDaily(key, amount) {
      await sql.query(
        `UPDATE daily_totals SET amount = amount - $5, count = count - 1
         WHERE project_id = $1 AND operation = $2 AND currency = $3 AND day = $4 AND count > 0 AND amount >= $5`,
        [key.projectId, key.operation, key.currency, key.day, amount],
      )
    },
    async reserveMonthly(key, amount, limits) {
      const pk = [key.projectId, key.operation, key.currency, key.month]
      await sql.query('INSERT INTO monthly_totals (project_id, operation, currency, month) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', pk)
      const rows = await sql.query(
        `UPDATE monthly_totals SET amount = amount + $5, count = count + 1
         WHERE project_id = $1 AND operation = $2 AND currency = $3 AND month = $4
           AND ($6::bigint IS NULL OR amount + $5 <= $6) AND ($7::integer IS NULL OR count + 1 <= $7)
         RETURNING month`,
        [...pk, amount, limits.monthlyAmount ?? null, limits.monthlyCount ?? null],
      )
      return rows.length > 0
    },
    async releaseMonthly(key, amount) {
      await sql.query(
        `UPDATE monthly_totals SET amount = amount - $5, count = count - 1
         WHERE project_id = $1 AND operation = $2 AND currency = $3 AND month = $4 AND count > 0 AND amount >= $5`,
        [key.projectId, key.operation, key.currency, key.month, amount],
      )
    },
    async set(projectId, operation, currency, limits) {
      await sql.query(
        `INSERT INTO project_limits (project_id, operation, currency, min_amount, max_amount, daily_amount, daily_count, monthly_amount, monthly_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (project_id, operation, currency) DO UPDATE
           SET min_amount = $4, max_amount = $5, daily_amount = $6, daily_count = $7, monthly_amount = $8, monthly_count = $9`,
        [projectId, operation, currency, limits.minAmount ?? null, limits.maxAmount ?? null, limits.dailyAmount ?? null, limits.dailyCount ?? null,
          limits.monthlyAmount ?? null, limits.monthlyCount ?? null],
      )
    },
    /** Replaces every limit of a project in one transaction (the dashboard's limits form). */
    async replace(projectId: number, rows: Array<AmountLimits & { operation: LimitedOperation; currency: Currency }>) {
      await sql.transaction(async (tx) => {
        const store = createLimitStore(tx)
        await tx.query('DELETE FROM project_limits WHERE project_id = $1', [projectId])
        for (const r of rows) await store.set(projectId, r.operation, r.currency, r)
      })
    },
    async list(projectId) {
      const rows = await sql.query('SELECT * FROM project_limits WHERE project_id = $1 ORDER BY operation, currency', [projectId])
      return rows.map((r) => ({ ...read(r), operation: String(r['operation']), currency: String(r['currency']) }))
    },
  }
}
export type LimitAdmin = ReturnType<typeof createLimitStore>

function nullable(value: unknown, column: string): number | undefined {
  return value === null || value === undefined ? undefined : toSafeInt(value, column)
}
