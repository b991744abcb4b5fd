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

/**
 * Counts one card submission against the session, then the address, then the project, and
 * throws `rate_limited` at the first limit passed. Call it only once the session and the
 * payment have been checked and the payment can take a card.
 * Hint: a submission stopped by a narrower limit is not counted against the wider ones, so a
 * flood from one session or one address cannot use up the merchant's quota for real shoppers.
 */
export async function limitCardSubmissions(
  store: RateLimitStore,
  c: Context,
  ids: { sessionId: string; projectId: number },
  options: { now: Date; trustProxy: number; limits: PayLimits },
): Promise<void> {
  const ip = clientAddress(c.req.header('x-forwarded-for'), socketAddress(c), options.trustProxy)
  const checks: Array<[string, number]> = [
    [`pay:session:${ids.sessionId}`, options.limits.session],
    [`pay:ip:${ip}`, options.limits.ip],
    [`pay:project:${ids.projectId}`, options.limits.project],
  ]
  for (const [key, limit] of checks) {
    if ((await store.hit(key, WINDOW_MS, options.now)) > limit) {
      c.header('Retry-After', String(Math.ceil(WINDOW_MS / 1000)))
      throw new PaymentError('rate_limited', 'too many payment attempts; wait a minute and try again')
    }
  }
}

/**
 * The client's address behind `trustedProxies` proxies of the operator's own. Each proxy
 * appends the address it received the request from, so the entry `trustedProxies` places from
 * the right is the last one written by something trusted; everything left of it is whatever
 * the client sent (and a card tester sends a new one with every request).
 * Hint: with fewer entries than proxies, the left-most is the furthest any trusted proxy saw.
 */
export function clientAddress(forwardedFor: string | undefined, socket: string, trustedProxies: number): string {
  if (trustedProxies <= 0) return socket
  const hops = (forwardedFor ?? '').split(',').map((hop) => hop.trim()).filter((hop) => hop !== '')
  if (hops.length === 0) return socket
  return hops[Math.max(0, hops.length - trustedProxies)]!
}

function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket.
    return 'unknown'
  }
}
