import type { Clock } from '../domain/ports.ts'
import type { Logger } from '../logger.ts'
import { createLimitStore } from '../storage/limits-store.ts'
import type { ConnectionStore } from '../storage/connection-store.ts'
import type { ProjectAdmin } from '../storage/project-store.ts'
import type { Sql } from '../storage/sql.ts'
import { jobStore } from '../jobs/job-store.ts'
import { jobWorker } from '../jobs/job-worker.ts'
import type { CardVault } from '../vault/card-vault.ts'
import { loadDashboardAssets } from './dashboard-assets.ts'
import type { DashboardDeps } from './dashboard-deps.ts'
import { cookieFor } from './http/session-cookie.ts'
import { PAYMENT_EXPORT_JOB, paymentExportFile } from './payments/payment-export-job.ts'
import { reportFile, type ReportParams } from './reports/report-files.ts'
import { createMailer } from './mail/mailer.ts'
import { createLinkTokenStore } from './store/link-token-store.ts'
import { createOrgStore } from './store/org-store.ts'
import { createProjectSettingsStore } from './store/project-settings-store.ts'
import { createSessionStore } from './store/session-store.ts'
import { createUserStore } from './store/user-store.ts'

/** Builds the dashboard's dependencies from the server's (the composition root calls it). */
export function composeDashboard(options: {
  sql: Sql
  clock: Clock
  logger: Logger
  vault: CardVault
  projects: ProjectAdmin
  connections: ConnectionStore
  config: { publicUrl: string; demo: boolean; trustProxy: number; smtpUrl: string | undefined; mailFrom: string }
  root: string
}): DashboardDeps {
  const { sql, clock, logger, config } = options
  let assets: ReturnType<typeof loadDashboardAssets>
  let loaded = false
  const jobs = jobStore(sql)
  const worker = jobWorker(jobs, {
    report: async (job) => reportFile(sql, job.params as ReportParams),
    [PAYMENT_EXPORT_JOB]: async (job) => paymentExportFile(sql, job, (error) => logger.error('payments export failed', { job: job.id, error })),
  }, clock, logger)
  // One drain at a time: the once-a-second poll must not stack runs behind a long report.
  let draining = false
  const drain = async () => {
    if (draining) return
    draining = true
    try {
      for (;;) if (!(await worker.tick())) return
    } finally {
      draining = false
    }
  }
  return {
    sql,
    clock,
    logger,
    publicUrl: config.publicUrl,
    demo: config.demo,
    trustProxy: config.trustProxy,
    users: createUserStore(sql),
    orgs: createOrgStore(sql),
    sessions: createSessionStore(sql),
    links: createLinkTokenStore(sql),
    mailer: createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, demo: config.demo, sql, logger, clock }),
    projects: options.projects,
    limits: createLimitStore(sql),
    projectSettings: createProjectSettingsStore(sql),
    connections: options.connections,
    vault: options.vault,
    cookie: cookieFor(config.publicUrl),
    assets: () => {
      if (!loaded) {
        assets = loadDashboardAssets(options.root)
        loaded = true
      }
      return assets
    },
    jobs,
    jobWorker: worker,
    runJobs() {
      drain().catch((error: unknown) => logger.error('background jobs failed', { error }))
    },
    background(task) {
      task().catch((error: unknown) => logger.error('dashboard background task failed', { error }))
    },
  }
}
