import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import { PaymentError } from '../domain/errors.ts'
import type { RateLimitStore } from '../storage/rate-limit-store.ts'

/**
 * Card submissions allowed per minute (SPEC §12): card testers try many numbers fast, from one
 * session, one address or against one merchant; a shopper never needs more than a few tries.
 */
export type PayLimits = { session: number; ip: number; project: number }
const WINDOW_MS = 60_000

/** Counts one card submission against each limit; throws `rate_limited` past any of them. */
export async function limitCardSubmissions(
  store: RateLimitStore,
  c: Context,
  ids: { sessionId: string; projectId: number },
  options: { now: Date; trustProxy: boolean; limits: PayLimits },
): Promise<void> {
  const ip = clientIp(c, options.trustProxy)
  const counts = await Promise.all([
    store.hit(`pay:session:${ids.sessionId}`, WINDOW_MS, options.now),
    store.hit(`pay:ip:${ip}`, WINDOW_MS, options.now),
    store.hit(`pay:project:${ids.projectId}`, WINDOW_MS, options.now),
  ])
  const limits = [options.limits.session, options.limits.ip, options.limits.project]
  if (counts.some((count, i) => count > limits[i]!)) {
    c.header('Retry-After', String(Math.ceil(WINDOW_MS / 1000)))
    throw new PaymentError('rate_limited', 'too many payment attempts; wait a minute and try again')
  }
}

/** The client address: the socket's, or the proxy's first hop only when the proxy is trusted. */
function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket.
    return 'unknown'
  }
}
