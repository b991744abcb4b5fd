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
import { reportFile, type ReportParams } from './reports/report-files.ts'
import { createMailer } from './mail/mailer.ts'
import { notificationStore } from './notifications/notification-store.ts'
import { notificationWorker } from './notifications/notification-worker.ts'
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
  const worker = jobWorker(jobs, { report: async (job) => reportFile(sql, job.params as ReportParams) }, clock, logger)
  // One drain at a time: the once-a-second poll must not stack runs behind a long report.
  let draining = false
  const drain = async () => {
    if (draining) return
    draining = true
    try {
      for (;;) if (!(await worker.tick())) break
      // After the jobs: a report finished just now is announced in the same drain.
      await deps.notifier.tick()
    } finally {
      draining = false
    }
  }
  const deps: DashboardDeps = {
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
    notifications: notificationStore(sql),
    // Through deps, so the mailer in use is the one sent with (tests swap it for real SMTP).
    notifier: notificationWorker({ sql, clock, logger, publicUrl: config.publicUrl, send: (m) => deps.mailer.send(m) }),
    runJobs() {
      drain().catch((error: unknown) => logger.error('background jobs failed', { error }))
    },
    background(task) {
      task().catch((error: unknown) => logger.error('dashboard background task failed', { error }))
    },
  }
  return deps
}
