import type { Currency } from '../../protocol/money.ts'
import type { AmountLimits, DailyKey, LimitStore, LimitedOperation } from '../domain/limits.ts'
import type { ProjectCache } from './project-cache.ts'
import { toSafeInt, type Sql } from './sql.ts'

/**
 * Project limits and daily totals on SQL, plus what the CLI needs to set them. With a cache,
 * a project's limits are read once per change, all currencies and operations at once; the
 * totals they are checked against are never cached.
 */
export function createLimitStore(sql: Sql, cache?: ProjectCache): LimitStore & {
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
      if (!cache) {
        const rows = await sql.query('SELECT * FROM project_limits WHERE project_id = $1 AND operation = $2 AND currency = $3', [projectId, operation, currency])
        return rows[0] ? read(rows[0]) : undefined
      }
      const all = await cache.read(projectId, 'limits', async () => {
        const rows = await sql.query('SELECT * FROM project_limits WHERE project_id = $1', [projectId])
        // Frozen: shared by every request of this process.
        return new Map(rows.map((r) => [`${String(r['operation'])}:${String(r['currency'])}`, Object.freeze(read(r))]))
      })
      return all.get(`${operation}:${currency}`)
    },
    reserveDaily: (key, amount, limits) =>
      reserve(sql, PERIODS.day, [key.projectId, key.operation, key.currency, key.day], amount, limits.dailyAmount, limits.dailyCount),
    releaseDaily: (key, amount) => release(sql, PERIODS.day, [key.projectId, key.operation, key.currency, key.day], amount),
    reserveMonthly: (key, amount, limits) =>
      reserve(sql, PERIODS.month, [key.projectId, key.operation, key.currency, key.month], amount, limits.monthlyAmount, limits.monthlyCount),
    releaseMonthly: (key, amount) => release(sql, PERIODS.month, [key.projectId, key.operation, key.currency, key.month], amount),
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

/** The totals tables and their period column; fixed names, never from input. */
const PERIODS = {
  day: { table: 'daily_totals', column: 'day' },
  month: { table: 'monthly_totals', column: 'month' },
} as const
type Period = (typeof PERIODS)[keyof typeof PERIODS]
type TotalsKey = [projectId: number, operation: string, currency: string, period: string]

async function reserve(sql: Sql, period: Period, pk: TotalsKey, amount: number, maxAmount: number | undefined, maxCount: number | undefined): Promise<boolean> {
  await sql.query(`INSERT INTO ${period.table} (project_id, operation, currency, ${period.column}) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, pk)
  // One conditional UPDATE: the row lock makes concurrent reservations take turns, and each
  // sees the totals the previous one left.
  const rows = await sql.query(
    `UPDATE ${period.table} SET amount = amount + $5, count = count + 1
     WHERE project_id = $1 AND operation = $2 AND currency = $3 AND ${period.column} = $4
       AND ($6::bigint IS NULL OR amount + $5 <= $6) AND ($7::integer IS NULL OR count + 1 <= $7)
     RETURNING ${period.column}`,
    [...pk, amount, maxAmount ?? null, maxCount ?? null],
  )
  return rows.length > 0
}

async function release(sql: Sql, period: Period, pk: TotalsKey, amount: number): Promise<void> {
  await sql.query(
    `UPDATE ${period.table} SET amount = amount - $5, count = count - 1
     WHERE project_id = $1 AND operation = $2 AND currency = $3 AND ${period.column} = $4 AND count > 0 AND amount >= $5`,
    [...pk, amount],
  )
}
