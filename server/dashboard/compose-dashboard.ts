import type { Clock } from '../domain/ports.ts'
import type { Logger } from '../logger.ts'
import { createLimitStore } from '../storage/limits-store.ts'
import type { ConnectionStore } from '../storage/connection-store.ts'
import type { ProjectAdmin } from '../storage/project-store.ts'
import type { Sql } from '../storage/sql.ts'
import { jobStore } from '../jobs/job-store.ts'
import { createInvoiceStore } from '../storage/invoice-store.ts'
import { jobWorker } from '../jobs/job-worker.ts'
import type { CardVault } from '../vault/card-vault.ts'
import { loadDashboardAssets } from './dashboard-assets.ts'
import type { DashboardDeps } from './dashboard-deps.ts'
import { cookieFor } from './http/session-cookie.ts'
import { PAYMENT_EXPORT_JOB, paymentExportFile } from './payments/payment-export-job.ts'
import { reportFile, type ReportParams } from './reports/report-files.ts'
import { createMailer } from './mail/mailer.ts'
import { SUBSCRIPTION_JOB, subscriptionReportHandler, subscriptionScheduler } from './reports/subscription-runs.ts'
import { createSubscriptionStore } from './store/subscription-store.ts'
import { goLiveDecided } from './notifications/go-live-decided.ts'
import { notificationStore } from './notifications/notification-store.ts'
import { notificationWorker } from './notifications/notification-worker.ts'
import { createLinkTokenStore } from './store/link-token-store.ts'
import { mailGoLiveDecision } from './onboarding/go-live-decided.ts'
import { createGoLiveStore } from './store/golive-store.ts'
import { createOrgStore } from './store/org-store.ts'
import { createSignupStore } from './store/signup-store.ts'
import { createProjectSettingsStore } from './store/project-settings-store.ts'
import { createSessionStore } from './store/session-store.ts'
import { createUserStore } from './store/user-store.ts'
import type { Pace } from '../reconciliation/bounded-map.ts'
import { reconciliationJob } from '../reconciliation/reconciliation-job.ts'
import type { ReconciliationNotice } from '../reconciliation/reconciliation-notice.ts'
import { RECONCILIATION_JOB, reconciliationStore } from '../reconciliation/reconciliation-store.ts'
import { scheduleReconciliation } from '../reconciliation/schedule-reconciliation.ts'
import { upstreamPaymentsFor } from '../reconciliation/upstream-payments.ts'

/** How often each process looks whether a reconciliation day is due (a claim makes it once anyway). */
const SCHEDULE_EVERY_MS = 30_000

/** Builds the dashboard's dependencies from the server's (the composition root calls it). */
export function composeDashboard(options: {
  sql: Sql
  clock: Clock
  logger: Logger
  vault: CardVault
  projects: ProjectAdmin
  connections: ConnectionStore
  config: { publicUrl: string; demo: boolean; trustProxy: number; smtpUrl: string | undefined; mailFrom: string; signup: boolean }
  root: string
  /** The daily reconciliation with the upstream: where mismatches are announced, and how long one status query may take. */
  reconciliation: { notice: ReconciliationNotice; upstreamTimeoutMs: number; pace?: Pace }
}): DashboardDeps {
  const { sql, clock, logger, config } = options
  let assets: ReturnType<typeof loadDashboardAssets>
  let loaded = false
  const jobs = jobStore(sql)
  const reconciliations = reconciliationStore(sql)
  const reconcile = reconciliationJob({
    store: reconciliations, upstreamFor: upstreamPaymentsFor(options.connections, options.reconciliation.upstreamTimeoutMs),
    notice: options.reconciliation.notice, clock, logger, ...(options.reconciliation.pace ? { pace: options.reconciliation.pace } : {}),
  })
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, demo: config.demo, sql, logger, clock })
  const users = createUserStore(sql)
  const projectSettings = createProjectSettingsStore(sql)
  const subscriptions = createSubscriptionStore(sql)
  const scheduler = subscriptionScheduler({ subscriptions, users, projectSettings, clock, logger })
  const worker = jobWorker(jobs, {
    report: async (job) => reportFile(sql, job.params as ReportParams),
    [SUBSCRIPTION_JOB]: subscriptionReportHandler({ sql, mailer, clock, logger, publicUrl: config.publicUrl }),
    [RECONCILIATION_JOB]: reconcile,
    [PAYMENT_EXPORT_JOB]: async (job) => paymentExportFile(sql, job, (error) => logger.error('payments export failed', { job: job.id, error })),
  }, clock, logger)
  let lastSchedule = -Infinity
  // One drain at a time: the once-a-second poll must not stack runs behind a long report.
  let draining = false
  const drain = async () => {
    if (draining) return
    draining = true
    try {
      // A failing subscription query must not stop the queue's other jobs.
      await scheduler.tick().catch((error: unknown) => logger.error('report subscriptions not scheduled', { error }))
      const now = clock.now()
      if (now.getTime() - lastSchedule >= SCHEDULE_EVERY_MS) {
        lastSchedule = now.getTime()
        // A schedule that fails (database busy) must not hold up the reports behind it: next round.
        await scheduleReconciliation(reconciliations, now).catch((error: unknown) => logger.error('reconciliation schedule failed', { error }))
      }
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
    users,
    orgs: createOrgStore(sql),
    sessions: createSessionStore(sql),
    links: createLinkTokenStore(sql),
    signup: config.signup,
    signups: createSignupStore(sql),
    goLive: createGoLiveStore(sql),
    // The one place a go-live decision reaches people: in-app notifications join the mail here.
    onGoLiveDecided: async (decision) => {
      // In the dashboard for the organisation's people, keyed by the request (once), and the owners' mail.
      await sql.transaction((tx) => goLiveDecided(tx, { reviewId: decision.requestId, projectId: decision.projectId, approved: decision.decision === 'approved', reason: decision.reason ?? undefined, decidedAt: clock.now() }))
      await mailGoLiveDecision({ users, mailer: () => deps.mailer, publicUrl: config.publicUrl }, decision)
    },
    mailer,
    projects: options.projects,
    limits: createLimitStore(sql),
    projectSettings,
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
    invoices: createInvoiceStore(sql),
    jobs,
    jobWorker: worker,
    subscriptions,
    subscriptionScheduler: scheduler,
    reconciliations,
    scheduleReconciliation: () => scheduleReconciliation(reconciliations, clock.now()),
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
