import type { MiddlewareHandler } from 'hono'
import { PaymentError } from '../domain/errors.ts'
import type { IdempotencyStore } from '../storage/idempotency-store.ts'
import type { AppDeps } from './deps.ts'
import type { GateEnv } from './gate-signature.ts'

/** How long a claim protects a running request before another process may take the key over. */
const LEASE_MS = 5 * 60_000

/**
 * `Idempotency-Key` on mutating Gate calls, with Stripe's semantics (SPEC §9): the same key and
 * the same request get the first answer again (`Idempotent-Replayed: true`); the same key with
 * another request is `idempotency_key_reused`; while the first is still running, `conflict`.
 * Hint: answers are kept unless they are worth retrying — a 5xx, a `conflict` or a rate limit
 * frees the key — and a request is compared by the fingerprint of its signed parameters, so
 * the body (maybe holding a PAN) is never stored.
 */
export function idempotency(deps: Pick<AppDeps, 'clock'> & { idempotencyKeys: IdempotencyStore }): MiddlewareHandler<GateEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key')
    if (key === undefined) return next()
    if (!/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw new PaymentError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', { param: 'Idempotency-Key' })
    }
    const { project, fingerprint } = c.get('gate')
    const begun = await deps.idempotencyKeys.begin(project.id, key, fingerprint, deps.clock.now(), LEASE_MS)
    if (!begun.claimed) {
      const { record } = begun
      if (record.fingerprint !== fingerprint) {
        throw new PaymentError('idempotency_key_reused', 'this Idempotency-Key was used with another request', { param: 'Idempotency-Key' })
      }
      if (record.state === 'in_flight') throw new PaymentError('conflict', 'a request with this Idempotency-Key is still being processed')
      return new Response(record.body, { status: record.status, headers: { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' } })
    }
    try {
      await next()
    } catch (error) {
      await deps.idempotencyKeys.abandon(project.id, key)
      throw error
    }
    const response = c.res
    const body = await response.clone().text()
    if (retryable(response.status, body)) await deps.idempotencyKeys.abandon(project.id, key)
    else await deps.idempotencyKeys.finish(project.id, key, response.status, body)
  }
}

function retryable(status: number, body: string): boolean {
  if (status >= 500 || status === 429) return true
  if (status !== 409) return false
  try {
    return (JSON.parse(body) as { code?: unknown }).code === 'conflict'
  } catch {
    return true
  }
}
