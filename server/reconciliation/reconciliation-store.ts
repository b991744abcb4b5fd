import type { OperationStatus } from '../../protocol/schemas/statuses.ts'
import type { MismatchKind } from '../../protocol/schemas/dashboard/reconciliation.ts'
import { appendJournal, type JournalInput } from '../dashboard/journal/journal-store.ts'
import { jobStore, type JobStatus } from '../jobs/job-store.ts'
import { optional, optionalDate, toSafeInt, type Sql } from '../storage/sql.ts'

/** One disagreement a run found (see MISMATCH_KINDS). */
export type Mismatch = {
  kind: MismatchKind
  operationId: number | undefined
  paymentId: string | undefined
  upstreamPaymentId: string | undefined
  operationType: string | undefined
  localStatus: string | undefined
  upstreamStatus: string | undefined
  localAmount: number | undefined
  upstreamAmount: number | undefined
  currency: string | undefined
  upstreamCurrency: string | undefined
}

/** A local operation of the day with what the connector recorded sending upstream for it, if anything. */
export type DayOperation = {
  id: number
  type: string
  status: OperationStatus
  amount: number
  currency: string
  paymentId: string
  /** The connector's record: what kind of request, to which upstream payment, accepted under which request id. */
  upstream: { kind: string; paymentId: string; requestId: string | undefined } | undefined
}

export type ReconciliationRun = {
  id: number
  projectId: number
  day: string
  jobId: number | undefined
  checked: number | undefined
  mismatches: number | undefined
  finishedAt: Date | undefined
  /** The run's job as the queue holds it (gone once the queue purged it). */
  jobStatus: JobStatus | undefined
}

/** The job kind that reconciles one project's day. */
export const RECONCILIATION_JOB = 'reconciliation'

/**
 * The reconciliation's tables (migration 0028). Claiming a day is a compare-and-set on the
 * project's schedule row, in the same transaction as the run row and its job, so a day is
 * queued once whatever the number of processes; finishing is a compare-and-set on
 * `finished_at`, so a job run again after its process died records and reports once.
 */
export function reconciliationStore(sql: Sql) {
  return {
    /** Live projects connected to an upstream today, with their organisation. */
    async connectedLiveProjects(): Promise<Array<{ projectId: number; orgId: string | undefined }>> {
      const rows = await sql.query(
        `SELECT c.project_id, p.org_id FROM provider_connections c JOIN projects p ON p.id = c.project_id
          WHERE NOT p.test_mode ORDER BY c.project_id`,
      )
      return rows.map((r) => ({ projectId: toSafeInt(r['project_id'], 'project_id'), orgId: optional(r['org_id']) }))
    },

    /** The project's schedule, created at `day` when it has none; returns the day it holds. */
    async schedule(projectId: number, day: string): Promise<string> {
      await sql.query('INSERT INTO reconciliation_schedule (project_id, next_day) VALUES ($1, $2) ON CONFLICT (project_id) DO NOTHING', [projectId, day])
      return (await this.nextDay(projectId))!
    },

    async nextDay(projectId: number): Promise<string | undefined> {
      const rows = await sql.query('SELECT next_day FROM reconciliation_schedule WHERE project_id = $1', [projectId])
      return rows[0] ? String(rows[0]['next_day']) : undefined
    },

    /** Moves the schedule from `day` to `to` without running anything (days past the catch-up limit). */
    async skip(projectId: number, day: string, to: string): Promise<boolean> {
      const rows = await sql.query('UPDATE reconciliation_schedule SET next_day = $3 WHERE project_id = $1 AND next_day = $2 RETURNING project_id', [projectId, day, to])
      return rows.length === 1
    },

    /**
     * Claims `day` for the project (the schedule moves on to `next`) and queues its run; false
     * when another process claimed it first, or the day was already run.
     */
    async claim(claim: { projectId: number; orgId: string | undefined; day: string; next: string }, now: Date): Promise<boolean> {
      return sql.transaction(async (tx) => {
        const moved = await tx.query(
          'UPDATE reconciliation_schedule SET next_day = $3 WHERE project_id = $1 AND next_day = $2 RETURNING project_id',
          [claim.projectId, claim.day, claim.next],
        )
        if (moved.length !== 1) return false
        const run = await tx.query(
          `INSERT INTO reconciliation_runs (project_id, day, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (project_id, day) DO NOTHING RETURNING id`,
          [claim.projectId, claim.day, now],
        )
        // Already run (a schedule set back by hand): the day is not run twice.
        if (!run[0]) return false
        const job = await jobStore(tx).enqueue({ kind: RECONCILIATION_JOB, orgId: claim.orgId, userId: undefined, params: { project: claim.projectId, day: claim.day } }, now)
        await tx.query('UPDATE reconciliation_runs SET job_id = $2 WHERE id = $1', [run[0]['id'], job.id])
        return true
      })
    },

    /** The project's operations on live payments created in `[from, to)`, oldest first. */
    async dayOperations(projectId: number, from: Date, to: Date): Promise<DayOperation[]> {
      const rows = await sql.query(
        `SELECT o.id, o.type, o.status, o.amount, o.currency, p.payment_id, r.kind, r.upstream_payment_id, r.upstream_request_id
           FROM operations o JOIN payments p ON p.id = o.payment_row_id
           LEFT JOIN upstream_requests r ON r.reference = CAST(o.id AS text)
          WHERE p.project_id = $1 AND NOT p.test AND o.created_at >= $2 AND o.created_at < $3
          ORDER BY o.created_at, o.id`,
        [projectId, from, to],
      )
      return rows.map((r) => ({
        id: toSafeInt(r['id'], 'operations.id'),
        type: String(r['type']),
        status: String(r['status']) as OperationStatus,
        amount: toSafeInt(r['amount'], 'operations.amount'),
        currency: String(r['currency']),
        paymentId: String(r['payment_id']),
        upstream: r['kind'] == null ? undefined : { kind: String(r['kind']), paymentId: String(r['upstream_payment_id']), requestId: optional(r['upstream_request_id']) },
      }))
    },

    /** Every request id EPay had accepted on these upstream payments, whatever the day. */
    async knownRequestIds(projectId: number, upstreamPaymentIds: readonly string[]): Promise<Set<string>> {
      if (upstreamPaymentIds.length === 0) return new Set()
      const rows = await sql.query(
        `SELECT upstream_request_id FROM upstream_requests
          WHERE project_id = $1 AND upstream_payment_id = ANY($2::text[]) AND upstream_request_id IS NOT NULL`,
        [projectId, upstreamPaymentIds],
      )
      return new Set(rows.map((r) => String(r['upstream_request_id'])))
    },

    async run(projectId: number, day: string): Promise<ReconciliationRun | undefined> {
      const rows = await sql.query(`${RUNS} WHERE r.project_id = $1 AND r.day = $2`, [projectId, day])
      return rows[0] ? toRun(rows[0]) : undefined
    },

    /** The project's runs, newest day first. */
    async runs(projectId: number, limit: number): Promise<ReconciliationRun[]> {
      const rows = await sql.query(`${RUNS} WHERE r.project_id = $1 ORDER BY r.day DESC LIMIT $2`, [projectId, limit])
      return rows.map(toRun)
    },

    /**
     * Records what the run found, once: false if it was already finished (a job run again after
     * its process died). The journal row, when given, is written in the same transaction.
     */
    async finish(runId: number, result: { checked: number; mismatches: readonly Mismatch[] }, journal: JournalInput | undefined, now: Date): Promise<boolean> {
      return sql.transaction(async (tx) => {
        const done = await tx.query(
          'UPDATE reconciliation_runs SET checked = $2, mismatches = $3, finished_at = $4 WHERE id = $1 AND finished_at IS NULL RETURNING id',
          [runId, result.checked, result.mismatches.length, now],
        )
        if (done.length !== 1) return false
        let seq = 0
        for (const m of result.mismatches) {
          await tx.query(
            `INSERT INTO reconciliation_mismatches (run_id, seq, kind, operation_id, payment_id, upstream_payment_id, operation_type,
               local_status, upstream_status, local_amount, upstream_amount, currency, upstream_currency)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
            [runId, seq++, m.kind, m.operationId ?? null, m.paymentId ?? null, m.upstreamPaymentId ?? null, m.operationType ?? null,
              m.localStatus ?? null, m.upstreamStatus ?? null, m.localAmount ?? null, m.upstreamAmount ?? null, m.currency ?? null, m.upstreamCurrency ?? null],
          )
        }
        if (journal) await appendJournal(tx, journal)
        return true
      })
    },

    async mismatches(runId: number): Promise<Mismatch[]> {
      const rows = await sql.query('SELECT * FROM reconciliation_mismatches WHERE run_id = $1 ORDER BY seq', [runId])
      return rows.map((r) => ({
        kind: String(r['kind']) as MismatchKind,
        operationId: r['operation_id'] == null ? undefined : toSafeInt(r['operation_id'], 'operation_id'),
        paymentId: optional(r['payment_id']),
        upstreamPaymentId: optional(r['upstream_payment_id']),
        operationType: optional(r['operation_type']),
        localStatus: optional(r['local_status']),
        upstreamStatus: optional(r['upstream_status']),
        localAmount: r['local_amount'] == null ? undefined : toSafeInt(r['local_amount'], 'local_amount'),
        upstreamAmount: r['upstream_amount'] == null ? undefined : toSafeInt(r['upstream_amount'], 'upstream_amount'),
        currency: optional(r['currency']),
        upstreamCurrency: optional(r['upstream_currency']),
      }))
    },
  }
}

export type ReconciliationStore = ReturnType<typeof reconciliationStore>

const RUNS = `SELECT r.id, r.project_id, r.day, r.job_id, r.checked, r.mismatches, r.finished_at, j.status AS job_status
  FROM reconciliation_runs r LEFT JOIN jobs j ON j.id = r.job_id`

function toRun(r: Record<string, unknown>): ReconciliationRun {
  return {
    id: toSafeInt(r['id'], 'reconciliation_runs.id'),
    projectId: toSafeInt(r['project_id'], 'project_id'),
    day: String(r['day']),
    jobId: r['job_id'] == null ? undefined : toSafeInt(r['job_id'], 'job_id'),
    checked: r['checked'] == null ? undefined : Number(r['checked']),
    mismatches: r['mismatches'] == null ? undefined : Number(r['mismatches']),
    finishedAt: optionalDate(r['finished_at']),
    jobStatus: r['job_status'] == null ? undefined : (String(r['job_status']) as JobStatus),
  }
}
