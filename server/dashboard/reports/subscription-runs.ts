import type { DashboardLanguage } from '../../../protocol/schemas/dashboard/common.ts'
import type { Cadence } from '../../../protocol/schemas/dashboard/subscriptions.ts'
import type { Clock } from '../../domain/ports.ts'
import { jobStore } from '../../jobs/job-store.ts'
import type { JobHandler } from '../../jobs/job-worker.ts'
import type { Logger } from '../../logger.ts'
import type { Sql } from '../../storage/sql.ts'
import { projectInScope } from '../access/dashboard-user.ts'
import { roleCan } from '../access/permissions.ts'
import type { Mailer } from '../mail/mailer.ts'
import { reportMail } from '../mail/messages.ts'
import { visibleProjects } from '../routes/payment-routes.ts'
import type { ProjectSettingsStore } from '../store/project-settings-store.ts'
import type { Subscription, SubscriptionStore } from '../store/subscription-store.ts'
import type { UserStore } from '../store/user-store.ts'
import { reportFile, type ReportParams } from './report-files.ts'
import { latestRunDay, nextRunAfter, periodOf, type Period } from './subscription-schedule.ts'

/** The job kind of a subscribed report: made like any report, then mailed. */
export const SUBSCRIPTION_JOB = 'report_subscription'

export type SubscriptionJobParams = ReportParams & {
  subscription: number
  cadence: Cadence
  recipients: string[]
  language: DashboardLanguage
  /** The subscriber, named in the mail so a recipient knows who to ask. */
  by: string
}

/** Due subscriptions read per tick; the rest wait for the next second. */
const BATCH = 20

/**
 * Queues the report job of each due subscription. A run is taken by compare-and-set on its
 * next_run_at in the transaction that queues the job, so two processes, or a process and its
 * successor, never both queue it. However many runs a stopped server missed, one run is queued
 * when it is back, covering every day since the last one queued (subscription-schedule.ts).
 */
export function subscriptionScheduler(o: {
  subscriptions: SubscriptionStore
  users: UserStore
  projectSettings: ProjectSettingsStore
  clock: Clock
  logger: Logger
}) {
  /** The report the subscriber may have now: their role and scope of today, not of the day they subscribed. */
  async function paramsFor(s: Subscription, period: Period): Promise<SubscriptionJobParams | undefined> {
    const user = await o.users.get(s.userId)
    if (!user || user.disabledAt || !roleCan(user.role, 'home.read')) return undefined
    let projects = (await visibleProjects(o, user)) ?? null
    if (s.project !== null) {
      const project = await o.projectSettings.get(s.project)
      if (!project || !projectInScope(user, project)) return undefined
      projects = [project.id]
    }
    return {
      report: s.report, format: s.format, mode: s.mode, tz: s.tz, ...period, projects,
      subscription: s.id, cadence: s.cadence, recipients: s.recipients, language: user.language, by: user.email,
    }
  }

  return {
    /** Queues every due run; answers how many reports were queued. */
    async tick(): Promise<number> {
      const now = o.clock.now()
      let queued = 0
      for (const s of await o.subscriptions.due(now, BATCH)) {
        const schedule = { cadence: s.cadence, hour: s.hour, tz: s.tz }
        const period = periodOf(latestRunDay(now, schedule), s.cadence, s.lastPeriodEnd)
        const params = period && (await paramsFor(s, period))
        if (period && !params) o.logger.warn('subscribed report skipped: the subscriber may no longer see it', { subscription: s.id })
        const took = await o.subscriptions.takeRun(s, { nextRunAt: nextRunAfter(now, schedule), lastPeriodEnd: period?.to ?? s.lastPeriodEnd }, now,
          params && (async (tx) => (await jobStore(tx).enqueue({ kind: SUBSCRIPTION_JOB, orgId: s.orgId ?? undefined, userId: s.userId, params }, now)).id))
        if (took && params) queued++
      }
      return queued
    },
  }
}

export type SubscriptionScheduler = ReturnType<typeof subscriptionScheduler>

/**
 * Makes a subscribed report and mails it to each recipient, the file attached. Each address is
 * recorded before its mail is handed to SMTP: a job run again after its process died skips the
 * addresses already tried, so no one gets a report twice. The file is also kept as the job's.
 */
export function subscriptionReportHandler(o: { sql: Sql; mailer: Mailer; clock: Clock; logger: Logger; publicUrl: string }): JobHandler {
  return async (job) => {
    const p = job.params as SubscriptionJobParams
    const file = reportFile(o.sql, p)
    const parts: Uint8Array[] = []
    for await (const part of file.body) parts.push(part)
    const content = Buffer.concat(parts)
    const attachment = { filename: file.fileName, content, contentType: file.contentType }
    let failed = 0
    for (const to of p.recipients) {
      const mine = await o.sql.query('INSERT INTO report_subscription_mail (job_id, recipient) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING recipient', [job.id, to])
      if (mine.length === 0) continue
      try {
        await o.mailer.send(reportMail(p.language, to, p, attachment, `${o.publicUrl}/dashboard/reports`))
        await o.sql.query('UPDATE report_subscription_mail SET sent_at = $3 WHERE job_id = $1 AND recipient = $2', [job.id, to, o.clock.now()])
      } catch (error) {
        failed++
        o.logger.error('subscribed report not mailed', { job: job.id, subscription: p.subscription, error })
      }
    }
    // The job fails when a mail did, so the subscriber sees it on the screen.
    if (failed > 0) throw new Error(`${failed} of ${p.recipients.length} mails not sent`)
    return { ...file, body: (async function* () { yield content })() }
  }
}
