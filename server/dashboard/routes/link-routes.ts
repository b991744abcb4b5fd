import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { hashPassword } from '../auth/password-hash.ts'
import { assertAcceptablePassword } from '../auth/password-policy.ts'
import { mayMailLink } from '../auth/sign-in-throttle.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { resetMail } from '../mail/messages.ts'
import type { LinkKind } from '../store/link-token-store.ts'

const BAD_LINK = 'this link is not valid any more; ask for a new one'

/** Password reset and invitation by emailed single-use links (SPEC §14). */
export function linkRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  // The answer is the same, and as quick, whether or not the email has an account: the lookup,
  // the link and the mail all happen after it is sent.
  mount(app, deps, ENDPOINTS.resetRequest, { auth: 'public' }, async ({ body, meta, entry }) => {
    deps.background(async () => {
      if (!(await mayMailLink(deps.sql, body.email, meta.ip, meta.now))) return
      const user = await deps.users.byEmail(body.email)
      if (!user || user.disabledAt || !user.passwordHash) return
      const token = await deps.links.issue('reset', user.id, meta.now)
      await journal(deps, entry({ action: 'password_reset_requested', orgId: user.orgId, actorId: user.id, actorEmail: user.email }))
      await deps.mailer.send(resetMail(user.language, user.email, `${deps.publicUrl}/dashboard/reset#${token}`))
    })
    return { ok: true }
  })

  mount(app, deps, ENDPOINTS.resetConfirm, { auth: 'public' }, async ({ body, meta, entry }) => {
    const user = await userOfLink(deps, 'reset', body.token, meta.now)
    assertAcceptablePassword(body.password, user)
    const hash = await hashPassword(body.password)
    if (!(await deps.links.consume('reset', body.token, meta.now))) throw new PaymentError('invalid_link', BAD_LINK)
    await deps.users.setPassword(user.id, hash, meta.now)
    // Whoever held a session with the old password is out.
    await deps.sessions.revokeAll(user.id, meta.now)
    await journal(deps, entry({ action: 'password_reset', orgId: user.orgId, actorId: user.id, actorEmail: user.email }))
    return { ok: true }
  })

  mount(app, deps, ENDPOINTS.invitation, { auth: 'public' }, async ({ body, meta }) => {
    const user = await userOfLink(deps, 'invite', body.token, meta.now)
    const org = user.orgId ? await deps.orgs.get(user.orgId) : undefined
    if (!org || user.role === 'platform') throw new PaymentError('invalid_link', BAD_LINK)
    return { email: user.email, organisation: org.name, role: user.role }
  })

  mount(app, deps, ENDPOINTS.acceptInvitation, { auth: 'public' }, async ({ body, meta, entry }) => {
    const user = await userOfLink(deps, 'invite', body.token, meta.now)
    assertAcceptablePassword(body.password, user)
    const hash = await hashPassword(body.password)
    if (!(await deps.links.consume('invite', body.token, meta.now))) throw new PaymentError('invalid_link', BAD_LINK)
    await deps.users.setPassword(user.id, hash, meta.now)
    await journal(deps, entry({ action: 'invitation_accepted', orgId: user.orgId, actorId: user.id, actorEmail: user.email }))
    return { ok: true }
  })
}

async function userOfLink(deps: DashboardDeps, kind: LinkKind, token: string, now: Date) {
  const userId = await deps.links.peek(kind, token, now)
  const user = userId ? await deps.users.get(userId) : undefined
  if (!user || user.disabledAt) throw new PaymentError('invalid_link', BAD_LINK)
  return user
}
