import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { MismatchView, ReconciliationRunView } from '../../../protocol/schemas/dashboard/reconciliation.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { Mismatch, ReconciliationRun } from '../../reconciliation/reconciliation-store.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { mount } from '../http/endpoint.ts'

/** Runs listed: about a month of days. */
const LISTED = 31

/**
 * A project's daily reconciliation with its upstream (issue 14 item 3). Read with
 * `payments.read`: it lists operations and their amounts, as the payments list does.
 */
export function reconciliationRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  mount(app, deps, ENDPOINTS.reconciliation, { auth: 'user', permission: 'payments.read' }, async ({ project, query }) => {
    const id = project!.id
    const runs = await deps.reconciliations.runs(id, LISTED)
    const selected = query.day ? (runs.find((r) => r.day === query.day) ?? (await deps.reconciliations.run(id, query.day))) : runs[0]
    const connected = !project!.testMode && (await deps.connections.summary(id)) !== undefined
    return {
      reconciled: connected,
      next_day: (await deps.reconciliations.nextDay(id)) ?? null,
      runs: runs.map(runView),
      selected: selected ? runView(selected) : null,
      mismatches: selected ? (await deps.reconciliations.mismatches(selected.id)).map(mismatchView) : [],
    }
  })
}

function runView(run: ReconciliationRun): ReconciliationRunView {
  // A run whose job is gone from the queue without finishing was given up.
  const status = run.finishedAt ? 'done' : run.jobStatus === 'queued' || run.jobStatus === 'running' ? run.jobStatus : 'failed'
  return { day: run.day, status, checked: run.checked ?? null, mismatches: run.mismatches ?? null, finished_at: run.finishedAt?.toISOString() ?? null }
}

function mismatchView(m: Mismatch): MismatchView {
  return {
    kind: m.kind,
    operation_id: m.operationId === undefined ? null : String(m.operationId),
    payment_id: m.paymentId ?? null,
    upstream_payment_id: m.upstreamPaymentId ?? null,
    operation_type: m.operationType ?? null,
    local_status: m.localStatus ?? null,
    upstream_status: m.upstreamStatus ?? null,
    local_amount: m.localAmount ?? null,
    upstream_amount: m.upstreamAmount ?? null,
    currency: m.currency ?? null,
    upstream_currency: m.upstreamCurrency ?? null,
  }
}
