import { randomInt } from 'node:crypto'
import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { checkSettings, SECRET_GRACE_MS } from '../../storage/project-store.ts'
import { projectInScope } from '../access/dashboard-user.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { settingsOf } from '../store/project-settings-store.ts'
import { limitRows, toProjectView } from './project-view.ts'

/** Projects: list, create in test mode, settings, limits, secret rotation (SPEC §14). */
export function projectRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  mount(app, deps, ENDPOINTS.projects, { auth: 'user', permission: 'projects.read' }, async ({ user, meta }) => {
    const u = user!
    const list = await deps.projectSettings.list(u.role === 'platform' ? undefined : u.orgId!, u.projectIds)
    return { projects: await Promise.all(list.filter((p) => projectInScope(u, p)).map((p) => toProjectView(deps, p, meta.now))) }
  })

  mount(app, deps, ENDPOINTS.createProject, { auth: 'user', permission: 'projects.create' }, async ({ user, body, meta, entry }) => {
    // A member narrowed to some projects could not see what they create: creating is for the whole organisation.
    if (user!.projectIds !== null) throw new PaymentError('forbidden', 'members limited to some projects cannot create projects')
    const id = await deps.projectSettings.freeId(() => randomInt(100_000, 1_000_000))
    const created = await deps.projects.add({
      id,
      name: body.name,
      ...(body.callback_url ? { callbackUrl: body.callback_url } : {}),
      allowedOrigins: body.allowed_origins ?? [],
      returnHosts: body.return_hosts ?? [],
      testMode: true,
      orgId: user!.orgId!,
    })
    const project = (await deps.projectSettings.get(id))!
    await journal(deps, entry({ action: 'project_created', projectId: id, after: settingsOf(project) }))
    // The only time the secret is shown; afterwards it can only be rotated.
    return { project: await toProjectView(deps, project, meta.now), secret: created.secrets[0]! }
  })

  mount(app, deps, ENDPOINTS.project, { auth: 'user', permission: 'projects.read' }, async ({ project, meta }) => toProjectView(deps, project!, meta.now))

  mount(app, deps, ENDPOINTS.updateProject, { auth: 'user', permission: 'projects.settings' }, async ({ project, body, meta, entry }) => {
    const before = settingsOf(project!)
    const merged = checkSettings({ ...before, ...Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)) })
    const updated = await deps.projectSettings.update(project!.id, merged)
    const changed = (Object.keys(merged) as Array<keyof typeof merged>).filter((k) => JSON.stringify(merged[k]) !== JSON.stringify(before[k]))
    if (changed.length > 0) {
      await journal(deps, entry({
        action: 'project_updated', projectId: project!.id,
        before: Object.fromEntries(changed.map((k) => [k, before[k]])), after: Object.fromEntries(changed.map((k) => [k, merged[k]])),
      }))
    }
    return toProjectView(deps, updated, meta.now)
  })

  mount(app, deps, ENDPOINTS.setLimits, { auth: 'user', permission: 'projects.limits' }, async ({ project, body, meta, entry }) => {
    const before = await limitRows(deps, project!.id)
    await deps.limits.replace(project!.id, body.limits.map((l) => ({
      operation: l.operation, currency: l.currency, minAmount: l.min_amount ?? undefined, maxAmount: l.max_amount ?? undefined,
      dailyAmount: l.daily_amount ?? undefined, dailyCount: l.daily_count ?? undefined, monthlyAmount: l.monthly_amount ?? undefined, monthlyCount: l.monthly_count ?? undefined,
    })))
    await journal(deps, entry({ action: 'project_limits_updated', projectId: project!.id, before, after: body.limits }))
    return toProjectView(deps, project!, meta.now)
  })

  mount(app, deps, ENDPOINTS.rotateSecret, { auth: 'user', permission: 'projects.secret' }, async ({ project, body, meta, entry }) => {
    const rotated = await deps.projects.rotateSecret(project!.id, meta.now, { revokeOld: body.revoke_old })
    await journal(deps, entry({ action: 'project_secret_rotated', projectId: project!.id, after: { previous_secret: body.revoke_old ? 'revoked at once' : 'valid for 24 hours' } }))
    return { project: await toProjectView(deps, (await deps.projectSettings.get(project!.id))!, meta.now), secret: rotated.secrets[0]! }
  })
}
