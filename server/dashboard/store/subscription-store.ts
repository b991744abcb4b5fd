import type { HomeMode } from '../../../protocol/schemas/dashboard/home.ts'
import type { ReportFormat, ReportKind } from '../../../protocol/schemas/dashboard/reports.ts'
import type { Cadence } from '../../../protocol/schemas/dashboard/subscriptions.ts'
import { toSafeInt, type Sql } from '../../storage/sql.ts'

export type Subscription = {
  id: number
  orgId: string | null
  userId: string
  report: ReportKind
  format: ReportFormat
  mode: HomeMode
  project: number | null
  cadence: Cadence
  hour: number
  tz: string
  recipients: string[]
  active: boolean
  nextRunAt: Date
  lastPeriodEnd: string
  lastJobId: number | null
  createdAt: Date
}

export type NewSubscription = Omit<Subscription, 'id' | 'active' | 'lastJobId' | 'createdAt'>

const dateText = (value: unknown) => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10))

const toSubscription = (r: Record<string, unknown>): Subscription => ({
  id: toSafeInt(r['id'], 'report_subscriptions.id'),
  orgId: r['org_id'] === null ? null : String(r['org_id']),
  userId: String(r['user_id']),
  report: r['report'] as ReportKind,
  format: r['format'] as ReportFormat,
  mode: r['mode'] as HomeMode,
  project: r['project_id'] === null ? null : toSafeInt(r['project_id'], 'project_id'),
  cadence: r['cadence'] as Cadence,
  hour: Number(r['hour']),
  tz: String(r['tz']),
  recipients: (typeof r['recipients'] === 'string' ? JSON.parse(r['recipients']) : r['recipients']) as string[],
  active: Boolean(r['active']),
  nextRunAt: new Date(r['next_run_at'] as string | Date),
  lastPeriodEnd: dateText(r['last_period_end']),
  lastJobId: r['last_job_id'] === null ? null : toSafeInt(r['last_job_id'], 'last_job_id'),
  createdAt: new Date(r['created_at'] as string | Date),
})

// Dates leave the database as text: a `date` read into a JS Date would shift with the process's zone.
const COLUMNS = `id, org_id, user_id, report, format, mode, project_id, cadence, hour, tz, recipients, active, next_run_at,
  to_char(last_period_end, 'YYYY-MM-DD') AS last_period_end, last_job_id, created_at`

/** Report subscriptions (migration 0026). */
export function createSubscriptionStore(sql: Sql) {
  return {
    async add(s: NewSubscription, now: Date): Promise<Subscription> {
      const rows = await sql.query(
        `INSERT INTO report_subscriptions (org_id, user_id, report, format, mode, project_id, cadence, hour, tz, recipients, next_run_at, last_period_end, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING ${COLUMNS}`,
        [s.orgId, s.userId, s.report, s.format, s.mode, s.project, s.cadence, s.hour, s.tz, JSON.stringify(s.recipients), s.nextRunAt, s.lastPeriodEnd, now],
      )
      return toSubscription(rows[0]!)
    },

    async get(id: number): Promise<Subscription | undefined> {
      const rows = await sql.query(`SELECT ${COLUMNS} FROM report_subscriptions WHERE id = $1`, [id])
      return rows[0] ? toSubscription(rows[0]) : undefined
    },

    async list(userId: string): Promise<Subscription[]> {
      const rows = await sql.query(`SELECT ${COLUMNS} FROM report_subscriptions WHERE user_id = $1 ORDER BY id`, [userId])
      return rows.map(toSubscription)
    },

    async count(userId: string): Promise<number> {
      const rows = await sql.query<{ n: unknown }>('SELECT count(*) AS n FROM report_subscriptions WHERE user_id = $1', [userId])
      return toSafeInt(rows[0]!.n, 'n')
    },

    /** Pauses, or resumes from a fresh start (a paused time is not mailed on resume). */
    async setActive(id: number, active: boolean, start: { nextRunAt: Date; lastPeriodEnd: string } | undefined, now: Date): Promise<Subscription | undefined> {
      const rows = start
        ? await sql.query(`UPDATE report_subscriptions SET active = $2, next_run_at = $3, last_period_end = $4, updated_at = $5 WHERE id = $1 RETURNING ${COLUMNS}`, [id, active, start.nextRunAt, start.lastPeriodEnd, now])
        : await sql.query(`UPDATE report_subscriptions SET active = $2, updated_at = $3 WHERE id = $1 RETURNING ${COLUMNS}`, [id, active, now])
      return rows[0] ? toSubscription(rows[0]) : undefined
    },

    async remove(id: number): Promise<boolean> {
      return (await sql.query('DELETE FROM report_subscriptions WHERE id = $1 RETURNING id', [id])).length === 1
    },

    /** Active subscriptions whose run is due, the most overdue first. */
    async due(now: Date, limit: number): Promise<Subscription[]> {
      const rows = await sql.query(`SELECT ${COLUMNS} FROM report_subscriptions WHERE active AND next_run_at <= $1 ORDER BY next_run_at, id LIMIT $2`, [now, limit])
      return rows.map(toSubscription)
    },

    /**
     * Takes the due run `seen` was read with: moves next_run_at on only if no one moved it since
     * (compare-and-set), and, in the same transaction, lets `enqueue` queue the run's job. Of
     * processes racing for one run, one wins; the others change nothing.
     */
    async takeRun(seen: Subscription, next: { nextRunAt: Date; lastPeriodEnd: string }, now: Date, enqueue: ((tx: Sql) => Promise<number>) | undefined): Promise<boolean> {
      return sql.transaction(async (tx) => {
        const rows = await tx.query(
          `UPDATE report_subscriptions SET next_run_at = $3, last_period_end = $4, updated_at = $5
            WHERE id = $1 AND active AND next_run_at = $2 RETURNING id`,
          [seen.id, seen.nextRunAt, next.nextRunAt, next.lastPeriodEnd, now],
        )
        if (rows.length === 0) return false
        if (enqueue) await tx.query('UPDATE report_subscriptions SET last_job_id = $2 WHERE id = $1', [seen.id, await enqueue(tx)])
        return true
      })
    },

    /** The status of each subscription's latest job. */
    async lastStatuses(jobIds: number[]): Promise<Map<number, string>> {
      if (jobIds.length === 0) return new Map()
      const rows = await sql.query<{ id: unknown; status: string }>('SELECT id, status FROM jobs WHERE id = ANY($1::bigint[])', [jobIds])
      return new Map(rows.map((r) => [toSafeInt(r.id, 'jobs.id'), r.status]))
    },
  }
}

export type SubscriptionStore = ReturnType<typeof createSubscriptionStore>
