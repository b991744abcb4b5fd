import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { ReportView } from '../../../protocol/schemas/dashboard/reports.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { Job } from '../../jobs/job-store.ts'
import { projectInScope } from '../access/dashboard-user.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { pullStream } from '../export/spreadsheet.ts'
import { journal, mount } from '../http/endpoint.ts'
import type { ReportParams } from '../reports/report-files.ts'
import { visibleProjects } from './payment-routes.ts'

/** Reports listed on the screen: the user's own, newest first. */
const LISTED = 50

/**
 * Reports (SPEC §14): made in the background by the job queue, downloadable for 7 days. A report
 * is its maker's: it was made over the projects they could see, so no one else lists or fetches it.
 * Reports are figures about money, so they need `home.read` (developers see none).
 */
export function reportRoutes(router: Hono<AppEnv>, deps: DashboardDeps): void {
  const access = { auth: 'user', permission: 'home.read' } as const

  mount(router, deps, ENDPOINTS.reports, access, async ({ user }) => {
    return { reports: (await deps.jobs.list('report', user!.id, LISTED)).map(reportView) }
  })

  mount(router, deps, ENDPOINTS.createReport, access, async ({ body, user, entry, meta }) => {
    let projects: number[] | null = (await visibleProjects(deps, user!)) ?? null
    if (body.project !== undefined) {
      const project = await deps.projectSettings.get(body.project)
      if (!project || !projectInScope(user!, project)) throw new PaymentError('not_found', 'no such project')
      projects = [project.id]
    }
    const params: ReportParams & { project: number | null } = { ...body, projects, project: body.project ?? null }
    const job = await deps.jobs.enqueue({ kind: 'report', orgId: user!.orgId ?? undefined, userId: user!.id, params }, meta.now)
    await journal(deps, entry({ action: 'report_requested', target: `report ${job.id}`, after: { ...body } }))
    deps.runJobs()
    return reportView(job)
  })

  mount(router, deps, ENDPOINTS.reportFile, access, async ({ c, user }) => {
    const id = c.req.param('report')
    const job = id && /^[1-9]\d{0,15}$/.test(id) ? await deps.jobs.get(Number(id)) : undefined
    if (!job || job.kind !== 'report' || job.userId !== user!.id) throw new PaymentError('not_found', 'no such report')
    if (job.status !== 'done') throw new PaymentError('conflict', 'the report is not ready')
    if (job.expiresAt && job.expiresAt <= deps.clock.now()) throw new PaymentError('not_found', 'the report has expired')
    c.header('Content-Type', job.contentType ?? 'application/octet-stream')
    c.header('Content-Disposition', `attachment; filename="${job.fileName ?? `report-${job.id}`}"`)
    if (job.size !== undefined) c.header('Content-Length', String(job.size))
    return c.body(pullStream(deps.jobs.chunks(job.id)))
  })
}

function reportView(job: Job): ReportView {
  const p = job.params as Partial<ReportParams> & { project?: number | null }
  return {
    id: String(job.id),
    report: p.report ?? 'operations',
    format: p.format ?? 'csv',
    from: p.from ?? '',
    to: p.to ?? '',
    tz: p.tz ?? 'UTC',
    mode: p.mode ?? 'test',
    project: p.project ?? null,
    status: job.status,
    created_at: job.createdAt.toISOString(),
    finished_at: job.finishedAt?.toISOString() ?? null,
    expires_at: job.status === 'done' ? job.expiresAt?.toISOString() ?? null : null,
    size: job.size ?? null,
    file_url: job.status === 'done' ? `/api/dashboard/reports/${job.id}/file` : null,
  }
}
