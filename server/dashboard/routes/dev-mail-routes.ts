import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { mount } from '../http/endpoint.ts'

/**
 * Demo mode without SMTP keeps mail in the database; this lists it for /dashboard/dev/mail.
 * Hint: open to anyone who reaches the server, because a reset link must be readable without
 * signing in; demo mode listens on loopback only unless HOST says otherwise.
 */
export function devMailRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  mount(app, deps, ENDPOINTS.devMail, { auth: 'public' }, async () => {
    if (!deps.mailer.keepsMail) throw new PaymentError('not_found', 'no such route')
    return { messages: await deps.mailer.kept(50) }
  })
}
