import type { Context } from 'hono'
import { PaymentError } from '../domain/errors.ts'
import { requestAddress } from './client-address.ts'
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
  const ip = requestAddress(c, options.trustProxy)
  const checks: Array<[string, number]> = [
    [`pay:session:${ids.sessionId}`, options.limits.session],
    [`pay:ip:${ip}`, options.limits.ip],
    [`pay:project:${ids.projectId}`, options.limits.project],
  ]
  const counts = await store.hitInTurn(checks, WINDOW_MS, options.now)
  if (counts.some((count, i) => count > checks[i]![1])) {
    c.header('Retry-After', String(Math.ceil(WINDOW_MS / 1000)))
    throw new PaymentError('rate_limited', 'too many payment attempts; wait a minute and try again')
  }
}
