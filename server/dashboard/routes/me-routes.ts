import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { ROLE_PERMISSIONS } from '../access/permissions.ts'
import { hashPassword, verifyPassword } from '../auth/password-hash.ts'
import { assertAcceptablePassword } from '../auth/password-policy.ts'
import { newRecoveryCodes, normaliseRecoveryCode, sha256 } from '../auth/secrets.ts'
import { matchTotp, newTotpSecret, totpEnrolment } from '../auth/totp.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import type { DashboardUser } from '../access/dashboard-user.ts'
import { journal, mount, totpRequired } from '../http/endpoint.ts'
import { clearSessionCookie, csrfTokenFor } from '../http/session-cookie.ts'
import { createUserStore } from '../store/user-store.ts'
import { openTotp, sealTotp } from './second-factor.ts'

/** The signed-in user's own things: profile, password, sessions, second factor. */
export function meRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  const enrolment = { auth: 'user', enrolment: true } as const

  mount(app, deps, ENDPOINTS.me, enrolment, async ({ user, session }) => {
    const u = user!
    const org = u.orgId ? await deps.orgs.get(u.orgId) : undefined
    const projects = await deps.projectSettings.list(u.role === 'platform' ? undefined : u.orgId ?? '', u.projectIds)
    return {
      user: { id: u.id, email: u.email, role: u.role, projects: u.projectIds, totp: u.totpEnabled, language: u.language },
      organisation: org ? { id: org.id, name: org.name } : null,
      permissions: [...ROLE_PERMISSIONS[u.role]],
      projects: projects.map((p) => ({ id: p.id, name: p.name, test_mode: p.testMode })),
      totp_required: await totpRequired(deps, u),
      csrf_token: csrfTokenFor(session!.token),
      dev_mail: deps.mailer.keepsMail,
    }
  })

  mount(app, deps, ENDPOINTS.signOut, enrolment, async ({ c, session, meta, entry }) => {
    await deps.sessions.revoke(session!.id, meta.now)
    clearSessionCookie(c, deps.cookie)
    await journal(deps, entry({ action: 'sign_out' }))
    return { ok: true as const }
  })

  mount(app, deps, ENDPOINTS.setLanguage, enrolment, async ({ user, body, meta, entry }) => {
    if (body.language !== user!.language) {
      await deps.users.setLanguage(user!.id, body.language, meta.now)
      await journal(deps, entry({ action: 'language_changed', before: { language: user!.language }, after: { language: body.language } }))
    }
    return { ok: true as const }
  })

  mount(app, deps, ENDPOINTS.changePassword, { auth: 'user' }, async ({ user, session, body, meta, entry }) => {
    await confirmPassword(user!, body.current_password)
    assertAcceptablePassword(body.password, user!)
    await deps.users.setPassword(user!.id, await hashPassword(body.password), meta.now)
    await deps.sessions.revokeAll(user!.id, meta.now, session!.id)
    await journal(deps, entry({ action: 'password_changed' }))
    return { ok: true as const }
  })

  mount(app, deps, ENDPOINTS.sessions, enrolment, async ({ user, session, meta }) => ({
    sessions: (await deps.sessions.listLive(user!.id, meta.now)).map((s) => ({
      id: s.id, created_at: s.createdAt.toISOString(), last_seen_at: s.lastSeenAt.toISOString(), expires_at: s.expiresAt.toISOString(),
      ip: s.ip, user_agent: s.userAgent, current: s.id === session!.id,
    })),
  }))

  mount(app, deps, ENDPOINTS.revokeSession, enrolment, async ({ c, user, meta, entry }) => {
    const id = c.req.param('session')
    const mine = (await deps.sessions.listLive(user!.id, meta.now)).find((s) => s.id === id)
    if (!mine) throw new PaymentError('not_found', 'no such session')
    await deps.sessions.revoke(mine.id, meta.now)
    await journal(deps, entry({ action: 'session_revoked', target: mine.id }))
    return { ok: true as const }
  })

  mount(app, deps, ENDPOINTS.totpStart, enrolment, async ({ user, meta }) => {
    if (user!.totpEnabled) throw new PaymentError('conflict', 'two-factor authentication is already on')
    const secret = newTotpSecret()
    await deps.users.setTotp(user!.id, sealTotp(deps, user!.id, secret), false, meta.now)
    const { uri, qrSvg } = await totpEnrolment(secret, user!.email)
    return { secret, uri, qr_svg: qrSvg }
  })

  mount(app, deps, ENDPOINTS.totpConfirm, enrolment, async ({ user, body, meta, entry }) => {
    const u = user!
    if (u.totpEnabled || !u.totpSecret) throw new PaymentError('conflict', 'start the set-up first')
    const step = matchTotp(openTotp(deps, u.id, u.totpSecret), body.code, meta.now, null)
    if (step === undefined) throw new PaymentError('invalid_code', 'the code is wrong; check the time on your phone')
    const codes = newRecoveryCodes()
    await deps.sql.transaction(async (tx) => {
      const users = createUserStore(tx)
      await users.setTotp(u.id, u.totpSecret, true, meta.now)
      await users.takeTotpStep(u.id, step)
      await users.replaceRecoveryCodes(u.id, codes.map((c) => sha256(normaliseRecoveryCode(c))))
    })
    await journal(deps, entry({ action: 'totp_enabled' }))
    return { recovery_codes: codes }
  })

  mount(app, deps, ENDPOINTS.totpDisable, { auth: 'user' }, async ({ user, body, meta, entry }) => {
    await confirmPassword(user!, body.password)
    if (await totpRequired(deps, { ...user!, totpEnabled: false })) throw new PaymentError('forbidden', 'owners and admins of live projects must keep two-factor authentication')
    await deps.users.setTotp(user!.id, null, false, meta.now)
    await deps.users.replaceRecoveryCodes(user!.id, [])
    await journal(deps, entry({ action: 'totp_disabled' }))
    return { ok: true as const }
  })

  mount(app, deps, ENDPOINTS.recoveryCodes, { auth: 'user' }, async ({ user, body, entry }) => {
    await confirmPassword(user!, body.password)
    if (!user!.totpEnabled) throw new PaymentError('conflict', 'two-factor authentication is off')
    const codes = newRecoveryCodes()
    await deps.users.replaceRecoveryCodes(user!.id, codes.map((c) => sha256(normaliseRecoveryCode(c))))
    await journal(deps, entry({ action: 'recovery_codes_renewed' }))
    return { recovery_codes: codes }
  })
}

async function confirmPassword(user: DashboardUser, password: string): Promise<void> {
  if (!user.passwordHash || !(await verifyPassword(password, user.passwordHash))) throw new PaymentError('invalid_credentials', 'the password is wrong')
}
