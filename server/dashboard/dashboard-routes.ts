import { Hono } from 'hono'
import type { AppEnv } from '../http/deps.ts'
import type { DashboardDeps } from './dashboard-deps.ts'
import { authRoutes } from './routes/auth-routes.ts'
import { devMailRoutes } from './routes/dev-mail-routes.ts'
import { homeRoutes } from './routes/home-routes.ts'
import { journalRoutes } from './routes/journal-routes.ts'
import { linkRoutes } from './routes/link-routes.ts'
import { meRoutes } from './routes/me-routes.ts'
import { pageRoutes } from './routes/page-routes.ts'
import { projectRoutes } from './routes/project-routes.ts'
import { teamRoutes } from './routes/team-routes.ts'

/** The merchant dashboard (SPEC §14): its page at /dashboard/ and its JSON API at /api/dashboard/*. */
export function dashboardRoutes(deps: DashboardDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  authRoutes(app, deps)
  linkRoutes(app, deps)
  meRoutes(app, deps)
  homeRoutes(app, deps)
  projectRoutes(app, deps)
  teamRoutes(app, deps)
  journalRoutes(app, deps)
  devMailRoutes(app, deps)
  pageRoutes(app, deps)
  return app
}
