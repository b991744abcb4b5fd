import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
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
      currency: query.currency, projects, method: query.method,
    })
  })
}

/** Every project the user may see; `null` (all) only for platform operators. */
async function visibleProjects(deps: DashboardDeps, user: DashboardUser): Promise<number[] | null> {
  if (user.role === 'platform') return null
  if (user.projectIds) return user.projectIds
  const rows = await deps.sql.query<{ id: unknown }>('SELECT id FROM projects WHERE org_id = $1', [user.orgId])
  return rows.map((r) => Number(r.id))
}
