import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import type { DashboardUser } from '../access/dashboard-user.ts'
import { roleCan } from '../access/permissions.ts'
import { mount } from '../http/endpoint.ts'
import { appendJournal } from '../journal/journal-store.ts'
import { createOrgStore } from '../store/org-store.ts'

/**
 * Notifications (SPEC §14): every signed-in user reads and marks only their own — who receives
 * which event was decided when it was fanned out (notification-worker.ts), so no permission
 * is needed here, only the user. Email choices are the user's own too; the organisation's
 * large-refund threshold is read by its members and changed by owners and admins.
 * Every change is journalled with its before and after, in the transaction of the change.
 */
export function notificationRoutes(router: Hono<AppEnv>, deps: DashboardDeps): void {
  const access = { auth: 'user' } as const
  const store = deps.notifications

  mount(router, deps, ENDPOINTS.notifications, access, async ({ user, query }) => {
    const page = await store.page(user!.id, query.before === undefined ? undefined : Number(query.before))
    return { ...page, unread: await store.unread(user!.id) }
  })

  mount(router, deps, ENDPOINTS.unreadNotifications, access, async ({ user }) => ({ unread: await store.unread(user!.id) }))

  mount(router, deps, ENDPOINTS.readNotification, access, async ({ c, user, meta }) => {
    const id = c.req.param('notification') ?? ''
    const found = /^[1-9]\d{0,15}$/.test(id) && (await store.markRead(user!.id, Number(id), meta.now))
    if (!found) throw new PaymentError('not_found', 'no such notification')
    return { unread: await store.unread(user!.id) }
  })

  mount(router, deps, ENDPOINTS.readAllNotifications, access, async ({ user, meta }) => {
    await store.markAllRead(user!.id, meta.now)
    return { unread: 0 }
  })

  mount(router, deps, ENDPOINTS.notificationSettings, access, async ({ user }) => store.settings(user!.id))

  mount(router, deps, ENDPOINTS.setNotificationSettings, access, async ({ user, body, entry }) => {
    await store.setSettings(user!.id, body, (tx, before, after) => appendJournal(tx, entry({ action: 'notification_settings_changed', before, after })))
    return store.settings(user!.id)
  })

  // The organisation's threshold: every member may read it (the screen shows it); only those
  // who may change it for all its projects are told `editable`.
  mount(router, deps, ENDPOINTS.orgNotificationSettings, access, async ({ user }) => {
    const major = user!.orgId === null ? undefined : await deps.orgs.largeRefundMajor(user!.orgId)
    if (major === undefined) throw new PaymentError('not_found', 'no organisation')
    return { large_refund_major: major, editable: mayChangeOrg(user!) }
  })

  mount(router, deps, ENDPOINTS.setOrgNotificationSettings, { auth: 'user', permission: 'org.settings' }, async ({ user, body, entry }) => {
    // A member narrowed to some projects would change what everyone hears about the others.
    if (!mayChangeOrg(user!)) throw new PaymentError('forbidden', 'members limited to some projects cannot change the organisation\'s settings')
    const major = body.large_refund_major
    await deps.sql.transaction(async (tx) => {
      const before = await createOrgStore(tx).setLargeRefundMajor(user!.orgId!, major)
      if (before === undefined) throw new PaymentError('not_found', 'no organisation')
      if (before !== major) await appendJournal(tx, entry({ action: 'large_refund_threshold_changed', before: { large_refund_major: before }, after: { large_refund_major: major } }))
    })
    return { large_refund_major: major, editable: true }
  })
}

/** Whether the user may change the organisation's own settings: the permission, over all its projects. */
function mayChangeOrg(user: DashboardUser): boolean {
  return user.orgId !== null && user.projectIds === null && roleCan(user.role, 'org.settings')
}
