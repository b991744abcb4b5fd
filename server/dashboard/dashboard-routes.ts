import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../http/deps.ts'
import type { DashboardDeps } from './dashboard-deps.ts'
import { authRoutes } from './routes/auth-routes.ts'
import { devMailRoutes } from './routes/dev-mail-routes.ts'
import { homeRoutes } from './routes/home-routes.ts'
import { invoiceRoutes } from './routes/invoice-routes.ts'
import { journalRoutes } from './routes/journal-routes.ts'
import { linkRoutes } from './routes/link-routes.ts'
import { meRoutes } from './routes/me-routes.ts'
import { notificationRoutes } from './routes/notification-routes.ts'
import { pageRoutes } from './routes/page-routes.ts'
import { balanceRoutes } from './routes/balance-routes.ts'
import { paymentRoutes } from './routes/payment-routes.ts'
import { connectionRoutes } from './routes/connection-routes.ts'
import { projectRoutes } from './routes/project-routes.ts'
import { reconciliationRoutes } from './routes/reconciliation-routes.ts'
import { reportRoutes } from './routes/report-routes.ts'
import { subscriptionRoutes } from './routes/subscription-routes.ts'
import { teamRoutes } from './routes/team-routes.ts'
import { goLiveRoutes } from './routes/golive-routes.ts'
import { platformRoutes } from './routes/platform-routes.ts'
import { signupRoutes } from './routes/signup-routes.ts'

/** The merchant dashboard (SPEC §14): its page at /dashboard/ and its JSON API at /api/dashboard/*. */
export function dashboardRoutes(deps: DashboardDeps, app: AppDeps): Hono<AppEnv> {
  const router = new Hono<AppEnv>()
  authRoutes(router, deps)
  linkRoutes(router, deps)
  signupRoutes(router, deps)
  meRoutes(router, deps)
  homeRoutes(router, deps)
  projectRoutes(router, deps)
  connectionRoutes(router, deps)
  reconciliationRoutes(router, deps)
  teamRoutes(router, deps)
  journalRoutes(router, deps)
  paymentRoutes(router, deps, app)
  invoiceRoutes(router, deps, app)
  balanceRoutes(router, deps, app)
  reportRoutes(router, deps)
  subscriptionRoutes(router, deps)
  goLiveRoutes(router, deps)
  platformRoutes(router, deps)
  notificationRoutes(router, deps)
  devMailRoutes(router, deps)
  pageRoutes(router, deps)
  return router
}
