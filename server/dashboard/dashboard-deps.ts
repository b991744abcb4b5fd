import type { Clock } from '../domain/ports.ts'
import type { Logger } from '../logger.ts'
import type { LimitAdmin } from '../storage/limits-store.ts'
import type { ProjectAdmin } from '../storage/project-store.ts'
import type { Sql } from '../storage/sql.ts'
import type { JobStore } from '../jobs/job-store.ts'
import type { createInvoiceStore } from '../storage/invoice-store.ts'
import type { ConnectionStore } from '../storage/connection-store.ts'
import type { JobWorker } from '../jobs/job-worker.ts'
import type { ReconciliationStore } from '../reconciliation/reconciliation-store.ts'
import type { CardVault } from '../vault/card-vault.ts'
import type { DashboardAssets } from './dashboard-assets.ts'
import type { Mailer } from './mail/mailer.ts'
import type { GoLiveDecided } from './onboarding/go-live-decided.ts'
import type { GoLiveStore } from './store/golive-store.ts'
import type { NotificationStore } from './notifications/notification-store.ts'
import type { NotificationWorker } from './notifications/notification-worker.ts'
import type { OrgStore } from './store/org-store.ts'
import type { SignupStore } from './store/signup-store.ts'
import type { ProjectSettingsStore } from './store/project-settings-store.ts'
import type { LinkTokenStore } from './store/link-token-store.ts'
import type { SessionStore } from './store/session-store.ts'
import type { UserStore } from './store/user-store.ts'
import type { SubscriptionStore } from './store/subscription-store.ts'
import type { SubscriptionScheduler } from './reports/subscription-runs.ts'

/** What the dashboard's routes use (SPEC §14); built by compose-dashboard.ts. */
export type DashboardDeps = {
  sql: Sql
  clock: Clock
  logger: Logger
  publicUrl: string
  demo: boolean
  trustProxy: number
  users: UserStore
  orgs: OrgStore
  sessions: SessionStore
  links: LinkTokenStore
  /** Merchants may register themselves (`EPAY_SIGNUP=1`); otherwise the sign-up endpoints answer 404. */
  signup: boolean
  signups: SignupStore
  goLive: GoLiveStore
  /** Told of every go-live decision after it is committed: mails the owners, and is where in-app notifications plug in. */
  onGoLiveDecided: GoLiveDecided
  mailer: Mailer
  /** The same project and limit stores the CLI and the Gate use: no second copy of their rules. */
  projects: ProjectAdmin
  limits: LimitAdmin
  projectSettings: ProjectSettingsStore
  /** The same connection store `project connect` and the live providers use. */
  connections: ConnectionStore
  /** Seals TOTP secrets at rest, with the keys that seal card numbers. */
  vault: CardVault
  /** The session cookie: `__Host-` and Secure over https; see docs/dashboard.md for plain http. */
  cookie: { name: string; secure: boolean }
  assets: () => DashboardAssets | undefined
  /** Invoices (payment links); the public link /invoice/<id> reads them too. */
  invoices: ReturnType<typeof createInvoiceStore>
  /** Background jobs (reports): the queue in the database, and this process's worker on it. */
  jobs: JobStore
  jobWorker: JobWorker
  /** The daily reconciliation's runs and mismatches (issue 14 item 3). */
  reconciliations: ReconciliationStore
  /** Queues every due reconciliation day now (each process also does every 30 s); returns how many. */
  scheduleReconciliation(): Promise<number>
  /** Report subscriptions, and what queues their due runs (polled with the jobs). */
  subscriptions: SubscriptionStore
  subscriptionScheduler: SubscriptionScheduler
  /** The signed-in user's notifications, and the background pass that fans events out and mails them. */
  notifications: NotificationStore
  notifier: NotificationWorker
  /** Queues due subscribed reports, then runs waiting jobs now in this process, after the answer is sent (every process also polls). */
  runJobs(): void
  /** Runs work after the answer is sent (mail), so response times say nothing about it; errors are logged. */
  background(task: () => Promise<unknown>): void
}
