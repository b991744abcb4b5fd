import type { Clock } from '../domain/ports.ts'
import { csvBytes } from '../dashboard/export/spreadsheet.ts'
import type { JobHandler } from '../jobs/job-worker.ts'
import type { Logger } from '../logger.ts'
import type { Pace } from './bounded-map.ts'
import { reconcileDay, type UpstreamPayments } from './reconcile-day.ts'
import type { ReconciliationNotice } from './reconciliation-notice.ts'
import type { Mismatch, ReconciliationStore } from './reconciliation-store.ts'

export type ReconciliationJobDeps = {
  store: ReconciliationStore
  /** The project's upstream, or undefined once it is no longer connected. */
  upstreamFor(projectId: number): Promise<UpstreamPayments | undefined>
  notice: ReconciliationNotice
  clock: Clock
  logger: Logger
  pace?: Pace
}

const HEADER = ['kind', 'operation_id', 'payment_id', 'upstream_payment_id', 'operation_type', 'local_status', 'upstream_status', 'local_amount', 'upstream_amount', 'currency', 'upstream_currency']

/**
 * The job that reconciles one project's day (queued by the schedule): compares, records the
 * result once (with a journal row when anything disagrees), announces mismatches through the
 * notice, and leaves the mismatch list as the job's CSV file.
 */
export function reconciliationJob(deps: ReconciliationJobDeps): JobHandler {
  return async (job) => {
    const projectId = Number(job.params['project'])
    const day = String(job.params['day'])
    const run = await deps.store.run(projectId, day)
    if (!run) throw new Error(`no reconciliation run for project ${projectId} on ${day}`)
    const upstream = await deps.upstreamFor(projectId)
    // Disconnected since the day was claimed: nothing left to ask, the run says so by failing.
    if (!upstream) throw new Error(`project ${projectId} is no longer connected upstream`)
    const result = await reconcileDay({ store: deps.store, upstream, ...(deps.pace ? { pace: deps.pace } : {}) }, projectId, day)
    const now = deps.clock.now()
    const journal = result.mismatches.length === 0 ? undefined : {
      at: now, orgId: job.orgId ?? null, actorId: null, actorEmail: null, ip: null, userAgent: null,
      action: 'reconciliation_mismatch' as const, projectId, target: `reconciliation ${day}`,
      after: { day, checked: result.checked, mismatches: result.mismatches.length, kinds: [...new Set(result.mismatches.map((m) => m.kind))] },
    }
    const first = await deps.store.finish(run.id, result, journal, now)
    if (first && result.mismatches.length > 0) {
      await deps.notice.onReconciliationMismatch({ projectId, orgId: job.orgId, day, checked: result.checked, mismatches: result.mismatches })
    } else if (first) {
      deps.logger.info('reconciliation clean', { project: projectId, day, checked: result.checked })
    }
    return { fileName: `reconciliation-${projectId}-${day}.csv`, contentType: 'text/csv; charset=utf-8', body: csvBytes({ name: 'reconciliation', header: HEADER, pages: pages(result.mismatches) }) }
  }
}

async function* pages(mismatches: readonly Mismatch[]) {
  yield mismatches.map((m) => [m.kind, m.operationId ?? '', m.paymentId ?? '', m.upstreamPaymentId ?? '', m.operationType ?? '', m.localStatus ?? '', m.upstreamStatus ?? '',
    m.localAmount ?? '', m.upstreamAmount ?? '', m.currency ?? '', m.upstreamCurrency ?? ''])
}
