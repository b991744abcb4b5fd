import { createMiddleware } from 'hono/factory'
import { PaymentError } from '../domain/errors.ts'
import { verifySession, type SessionClaims } from '../session/session.ts'
import type { AppDeps, AppEnv } from './deps.ts'

/** Verifies the `Authorization: Bearer` session token and exposes its claims to the route. */
export function requireSession(deps: AppDeps) {
  return createMiddleware<AppEnv & { Variables: { session: SessionClaims } }>(async (c, next) => {
    const header = c.req.header('authorization') ?? ''
    const match = /^Bearer ([A-Za-z0-9._-]+)$/.exec(header)
    if (!match?.[1]) throw new PaymentError('invalid_session', 'a session token is required')
    c.set('session', verifySession(deps.sessionKeys, match[1], deps.clock.now()))
    await next()
  })
}
