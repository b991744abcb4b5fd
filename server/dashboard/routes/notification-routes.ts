import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { mount } from '../http/endpoint.ts'

/**
 * Notifications (SPEC §14): every signed-in user reads and marks only their own — who receives
 * which event was decided when it was fanned out (notification-worker.ts), so no permission
 * is needed here, only the user. Email choices are the user's own too.
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

  mount(router, deps, ENDPOINTS.setNotificationSettings, access, async ({ user, body }) => {
    await store.setSettings(user!.id, body)
    return store.settings(user!.id)
  })
}
