import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { DIRECT_EXPORT_ROWS, type PaymentExportView } from '../../../protocol/schemas/dashboard/payment-exports.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { Job } from '../../jobs/job-store.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { pullStream } from '../export/spreadsheet.ts'
import { journal, mount } from '../http/endpoint.ts'
import { PAYMENT_EXPORT_JOB, type PaymentExportParams } from '../payments/payment-export-job.ts'
import { countUpTo, paymentsCsv, paymentsXlsx, timeFormatter } from '../payments/payment-export.ts'
import { paymentFilter } from '../payments/payment-query.ts'
import { visibleProjects } from './payment-routes.ts'

/** Background exports listed on the payments screen: the user's own, newest first. */
const LISTED = 5

/**
 * Exports of the filtered payments list. CSV and XLSX stream straight to the browser; asking
 * through `startPaymentExport` sends a large one (over DIRECT_EXPORT_ROWS) and every PDF to the
 * job queue instead, whose file waits 7 days. A background export is its maker's: it was made
 * over the projects they could see, so no one else lists or fetches it. Each is journalled
 * with its filters.
 */
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

  mount(router, deps, ENDPOINTS.startPaymentExport, read, async ({ body, user, entry, meta }) => {
    const { format, tz, ...list } = body
    const projects = await visibleProjects(deps, user!)
    const filter = paymentFilter(list, projects)
    timeFormatter(tz)
    if (format !== 'pdf' && (await countUpTo(deps.sql, filter, DIRECT_EXPORT_ROWS + 1)) <= DIRECT_EXPORT_ROWS) {
      const query = Object.fromEntries(Object.entries({ ...list, tz }).filter(([, value]) => value !== undefined).map(([k, value]) => [k, String(value)]))
      return { mode: 'direct' as const, url: `${format === 'csv' ? ENDPOINTS.exportPaymentsCsv.path : ENDPOINTS.exportPaymentsXlsx.path}?${new URLSearchParams(query)}` }
    }
    const params: PaymentExportParams = { format, tz, list, projects: projects ?? null }
    const job = await deps.jobs.enqueue({ kind: PAYMENT_EXPORT_JOB, orgId: user!.orgId ?? undefined, userId: user!.id, params }, meta.now)
    await journal(deps, entry({ action: 'payments_exported', target: `export ${job.id}`, after: { format, background: true, ...list } }))
    deps.runJobs()
    return { mode: 'job' as const, export: exportView(job, deps.clock.now()) }
  })

  mount(router, deps, ENDPOINTS.paymentExports, read, async ({ user }) => {
    const now = deps.clock.now()
    return { exports: (await deps.jobs.list(PAYMENT_EXPORT_JOB, user!.id, LISTED)).map((job) => exportView(job, now)) }
  })

  mount(router, deps, ENDPOINTS.paymentExportFile, read, async ({ c, user }) => {
    const id = c.req.param('export')
    const job = id && /^[1-9]\d{0,15}$/.test(id) ? await deps.jobs.get(Number(id)) : undefined
    if (!job || job.kind !== PAYMENT_EXPORT_JOB || job.userId !== user!.id) throw new PaymentError('not_found', 'no such export')
    if (job.status !== 'done') throw new PaymentError('conflict', 'the export is not ready')
    if (job.expiresAt && job.expiresAt <= deps.clock.now()) throw new PaymentError('not_found', 'the export has expired')
    c.header('Content-Type', job.contentType ?? 'application/octet-stream')
    c.header('Content-Disposition', `attachment; filename="${job.fileName ?? `epay-payments-${job.id}`}"`)
    if (job.size !== undefined) c.header('Content-Length', String(job.size))
    return c.body(pullStream(deps.jobs.chunks(job.id)))
  })
}

function exportView(job: Job, now: Date): PaymentExportView {
  const ready = job.status === 'done' && !(job.expiresAt && job.expiresAt <= now)
  return {
    id: String(job.id),
    format: (job.params as Partial<PaymentExportParams>).format ?? 'csv',
    status: job.status,
    created_at: job.createdAt.toISOString(),
    finished_at: job.finishedAt?.toISOString() ?? null,
    expires_at: job.status === 'done' ? job.expiresAt?.toISOString() ?? null : null,
    size: job.size ?? null,
    file_name: job.fileName ?? null,
    file_url: ready ? ENDPOINTS.paymentExportFile.path.replace(':export', String(job.id)) : null,
  }
}
