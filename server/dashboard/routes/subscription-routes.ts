import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { MAX_SUBSCRIPTIONS, type SubscriptionView } from '../../../protocol/schemas/dashboard/subscriptions.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { projectInScope } from '../access/dashboard-user.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { firstRun } from '../reports/subscription-schedule.ts'
import type { Subscription } from '../store/subscription-store.ts'

/**
 * Report subscriptions (issue 13): a report mailed daily, weekly or monthly, with the rights of
 * reports (`home.read`). A subscription is its maker's alone: others neither list nor change it.
 * Each run is made over the projects the subscriber may see at that moment.
 */
export function subscriptionRoutes(router: Hono<AppEnv>, deps: DashboardDeps): void {
  const access = { auth: 'user', permission: 'home.read' } as const

  /** The caller's own subscription from the path; another's is not confirmed to exist. */
  const own = async (param: string | undefined, userId: string): Promise<Subscription> => {
    const s = param && /^[1-9]\d{0,15}$/.test(param) ? await deps.subscriptions.get(Number(param)) : undefined
    if (!s || s.userId !== userId) throw new PaymentError('not_found', 'no such subscription')
    return s
  }

  const views = async (list: Subscription[]): Promise<SubscriptionView[]> => {
    const statuses = await deps.subscriptions.lastStatuses(list.flatMap((s) => (s.lastJobId === null ? [] : [s.lastJobId])))
    return list.map((s) => subscriptionView(s, s.lastJobId === null ? null : statuses.get(s.lastJobId) ?? null))
  }

  mount(router, deps, ENDPOINTS.subscriptions, access, async ({ user }) => {
    return { subscriptions: await views(await deps.subscriptions.list(user!.id)) }
  })

  mount(router, deps, ENDPOINTS.subscribe, access, async ({ body, user, entry, meta }) => {
    if (body.project !== undefined) {
      const project = await deps.projectSettings.get(body.project)
      if (!project || !projectInScope(user!, project)) throw new PaymentError('not_found', 'no such project')
    }
    if ((await deps.subscriptions.count(user!.id)) >= MAX_SUBSCRIPTIONS) {
      throw new PaymentError('limit_exceeded', `at most ${MAX_SUBSCRIPTIONS} subscriptions`)
    }
    const start = firstRun(meta.now, body)
    const s = await deps.subscriptions.add({
      orgId: user!.orgId, userId: user!.id, report: body.report, format: body.format, mode: body.mode, project: body.project ?? null,
      cadence: body.cadence, hour: body.hour, tz: body.tz, recipients: body.recipients, ...start,
    }, meta.now)
    await journal(deps, entry({ action: 'report_subscribed', target: `subscription ${s.id}`, after: { ...body } }))
    return subscriptionView(s, null)
  })

  mount(router, deps, ENDPOINTS.updateSubscription, access, async ({ c, body, user, entry, meta }) => {
    const s = await own(c.req.param('subscription'), user!.id)
    const resumed = body.active && !s.active
    const next = await deps.subscriptions.setActive(s.id, body.active, resumed ? firstRun(meta.now, s) : undefined, meta.now)
    if (!next) throw new PaymentError('not_found', 'no such subscription')
    if (s.active !== body.active) {
      await journal(deps, entry({ action: 'report_subscription_changed', target: `subscription ${s.id}`, before: { active: s.active }, after: { active: body.active } }))
    }
    return (await views([next]))[0]!
  })

  mount(router, deps, ENDPOINTS.deleteSubscription, access, async ({ c, user, entry }) => {
    const s = await own(c.req.param('subscription'), user!.id)
    if (await deps.subscriptions.remove(s.id)) await journal(deps, entry({ action: 'report_unsubscribed', target: `subscription ${s.id}` }))
    return { ok: true }
  })
}

function subscriptionView(s: Subscription, lastStatus: string | null): SubscriptionView {
  return {
    id: String(s.id),
    report: s.report,
    format: s.format,
    mode: s.mode,
    project: s.project,
    cadence: s.cadence,
    hour: s.hour,
    tz: s.tz,
    recipients: s.recipients,
    active: s.active,
    next_run_at: s.active ? s.nextRunAt.toISOString() : null,
    last_period_end: s.lastJobId === null ? null : s.lastPeriodEnd,
    last_status: lastStatus as SubscriptionView['last_status'],
    created_at: s.createdAt.toISOString(),
  }
}
