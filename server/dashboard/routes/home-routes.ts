import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { HomeMode } from '../../../protocol/schemas/dashboard/home.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { projectInScope, type DashboardUser } from '../access/dashboard-user.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { mount } from '../http/endpoint.ts'
import { homeView } from '../home/home-figures.ts'

/** The home screen's figures and charts (SPEC §14), over the projects the user may see. */
export function homeRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  mount(app, deps, ENDPOINTS.home, { auth: 'user', permission: 'home.read' }, async ({ user, query }) => {
    let projects: number[] | null
    if (query.project !== undefined) {
      const project = await deps.projectSettings.get(query.project)
      if (!project || !projectInScope(user!, project)) throw new PaymentError('not_found', 'no such project')
      projects = [project.id]
    } else {
      projects = await visibleProjects(deps, user!)
    }
    return homeView(deps.sql, {
      from: query.from, to: query.to, tz: query.tz, granularity: query.granularity,
      currency: query.currency, projects, method: query.method, country: query.country,
      mode: query.mode ?? (await defaultMode(deps, projects)),
    })
  })
}

/**
 * Live money when a project in scope is live, test payments otherwise: a merchant that went live
 * sees its real takings first, and one still integrating sees its tests instead of nothing.
 */
async function defaultMode(deps: DashboardDeps, projects: number[] | null): Promise<HomeMode> {
  const [row] = await deps.sql.query<{ live: boolean | null }>(
    'SELECT bool_or(NOT test_mode) AS live FROM projects WHERE $1::bigint[] IS NULL OR id = ANY($1::bigint[])', [projects])
  return row?.live ? 'live' : 'test'
}

/** Every project the user may see; `null` (all) only for platform operators. */
async function visibleProjects(deps: DashboardDeps, user: DashboardUser): Promise<number[] | null> {
  if (user.role === 'platform') return null
  if (user.projectIds) return user.projectIds
  const rows = await deps.sql.query<{ id: unknown }>('SELECT id FROM projects WHERE org_id = $1', [user.orgId])
  return rows.map((r) => Number(r.id))
}
