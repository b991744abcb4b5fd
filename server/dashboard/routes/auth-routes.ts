import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { decoyHash, verifyPassword } from '../auth/password-hash.ts'
import { countSignInFailure, signInThrottled } from '../auth/sign-in-throttle.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { csrfTokenFor, readSessionCookie, writeSessionCookie } from '../http/session-cookie.ts'
import { checkSecondFactor } from './second-factor.ts'

/** Sign-in with password, then the second factor when the user has one (SPEC §14). */
export function authRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  mount(app, deps, ENDPOINTS.signIn, { auth: 'public' }, async ({ c, body, meta, entry }) => {
    const known = await deps.users.byEmail(body.email)
    const throttle = await signInThrottled(deps.sql, body.email, meta.ip, meta.now)
    if (throttle.throttled) {
      await journal(deps, entry({ action: 'sign_in_throttled', orgId: known?.orgId ?? null, actorId: known?.id ?? null, actorEmail: body.email }))
      c.header('Retry-After', String(throttle.retryAfterS))
      throw new PaymentError('rate_limited', 'too many failed sign-ins; try again later')
    }
    // The same scrypt work whether or not the account exists, so timing tells nothing.
    const matches = await verifyPassword(body.password, known?.passwordHash ?? (await decoyHash()))
    if (!known || !known.passwordHash || known.disabledAt || !matches) {
      await countSignInFailure(deps.sql, body.email, meta.ip, meta.now)
      await journal(deps, entry({ action: 'sign_in_failed', orgId: known?.orgId ?? null, actorId: known?.id ?? null, actorEmail: body.email }))
      throw new PaymentError('invalid_credentials', 'the email or the password is wrong')
    }
    // Said only after the password matched, so it tells nothing to someone guessing addresses.
    if (known.orgId && (await deps.orgs.get(known.orgId))?.suspendedAt) {
      await journal(deps, entry({ action: 'sign_in_failed', orgId: known.orgId, actorId: known.id, actorEmail: known.email, after: { reason: 'organisation suspended' } }))
      throw new PaymentError('merchant_suspended', 'your organisation is suspended; contact the platform operator')
    }
    // A new token on every sign-in (no fixation); a session the browser still held ends.
    const previous = readSessionCookie(c, deps.cookie)
    const old = previous ? await deps.sessions.find(previous, meta.now) : undefined
    if (old) await deps.sessions.revoke(old.id, meta.now)
    const opened = await deps.sessions.open({ userId: known.id, pendingTotp: known.totpEnabled, ip: meta.ip, userAgent: meta.userAgent, now: meta.now })
    writeSessionCookie(c, deps.cookie, opened.token)
    const csrf_token = csrfTokenFor(opened.token)
    if (known.totpEnabled) return { next: 'totp' as const, csrf_token }
    await deps.users.markSignIn(known.id, meta.now)
    await journal(deps, entry({ action: 'sign_in', orgId: known.orgId, actorId: known.id, actorEmail: known.email, after: { second_factor: 'none' } }))
    return { next: 'done' as const, csrf_token }
  })

  mount(app, deps, ENDPOINTS.secondFactor, { auth: 'pending' }, async ({ c, body, meta, session, user, entry }) => {
    const used = await checkSecondFactor(deps, user!, body, meta.now)
    if (!used) {
      const failures = await deps.sessions.countTotpFailure(session!.id)
      await journal(deps, entry({ action: 'second_factor_failed' }))
      // Five wrong codes end the half-done sign-in: the password must be given again (and is throttled).
      if (failures >= 5) await deps.sessions.revoke(session!.id, meta.now)
      throw new PaymentError('invalid_code', 'the code is wrong or was already used')
    }
    await deps.sessions.revoke(session!.id, meta.now)
    const opened = await deps.sessions.open({ userId: user!.id, pendingTotp: false, ip: meta.ip, userAgent: meta.userAgent, now: meta.now })
    writeSessionCookie(c, deps.cookie, opened.token)
    await deps.users.markSignIn(user!.id, meta.now)
    if (used === 'recovery_code') await journal(deps, entry({ action: 'recovery_code_used' }))
    await journal(deps, entry({ action: 'sign_in', after: { second_factor: used } }))
    return { next: 'done' as const, csrf_token: csrfTokenFor(opened.token) }
  })
}
