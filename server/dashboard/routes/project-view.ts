import type { LimitRow, ProjectView } from '../../../protocol/schemas/dashboard/projects.ts'
import type { Currency } from '../../../protocol/money.ts'
import type { LimitedOperation } from '../../domain/limits.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import type { DashboardProject } from '../store/project-settings-store.ts'

/** A project's limits as rows of the wire schema (null = no limit). */
export async function limitRows(deps: DashboardDeps, projectId: number): Promise<LimitRow[]> {
  return (await deps.limits.list(projectId)).map((l) => ({
    operation: l.operation as LimitedOperation,
    currency: l.currency as Currency,
    min_amount: l.minAmount ?? null,
    max_amount: l.maxAmount ?? null,
    daily_amount: l.dailyAmount ?? null,
    daily_count: l.dailyCount ?? null,
    monthly_amount: l.monthlyAmount ?? null,
    monthly_count: l.monthlyCount ?? null,
  }))
}

/** The dashboard's view of a project; the secret is never part of it. */
export async function toProjectView(deps: DashboardDeps, p: DashboardProject, now: Date): Promise<ProjectView> {
  const grace = p.previousSecretValidUntil && p.previousSecretValidUntil.getTime() > now.getTime() ? p.previousSecretValidUntil.toISOString() : null
  return {
    id: p.id,
    org_id: p.orgId,
    name: p.name,
    test_mode: p.testMode,
    callback_url: p.callbackUrl,
    allowed_origins: p.allowedOrigins,
    return_hosts: p.returnHosts,
    methods: p.methods,
    theme: p.theme,
    previous_secret_valid_until: grace,
    limits: await limitRows(deps, p.id),
    created_at: p.createdAt.toISOString(),
  }
}
