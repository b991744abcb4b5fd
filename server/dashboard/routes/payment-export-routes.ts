import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { paymentsCsv, paymentsXlsx, timeFormatter } from '../payments/payment-export.ts'
import { paymentFilter } from '../payments/payment-query.ts'
import { visibleProjects } from './payment-routes.ts'

/** Exports of the filtered payments list (CSV, XLSX), streamed; each is journalled with its filters. */
export function exportRoutes(router: Hono<AppEnv>, deps: DashboardDeps): void {
  const read = { auth: 'user', permission: 'payments.read' } as const
  for (const [endpoint, type, ext] of [
    [ENDPOINTS.exportPaymentsCsv, 'text/csv; charset=utf-8', 'csv'],
    [ENDPOINTS.exportPaymentsXlsx, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
  ] as const) {
    mount(router, deps, endpoint, read, async ({ c, user, query, entry }) => {
      const { tz, ...list } = query
      const filter = paymentFilter(list, await visibleProjects(deps, user!))
      timeFormatter(tz)
      await journal(deps, entry({ action: 'payments_exported', after: { format: ext, ...list } }))
      const body = ext === 'csv'
        ? paymentsCsv(deps.sql, filter, tz)
        : paymentsXlsx(deps.sql, filter, tz, (error) => deps.logger.error('payments export failed', { error }))
      c.header('Content-Type', type)
      c.header('Content-Disposition', `attachment; filename="epay-payments.${ext}"`)
      return c.body(body)
    })
  }
}
