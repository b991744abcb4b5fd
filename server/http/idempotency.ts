import type { MiddlewareHandler } from 'hono'
import { PaymentError } from '../domain/errors.ts'
import type { PaymentStore } from '../domain/ports.ts'
import type { BoundEffect, IdempotencyStore } from '../storage/idempotency-store.ts'
import type { AppDeps } from './deps.ts'
import type { GateEnv } from './gate-signature.ts'
import { toAccepted } from './gate-views.ts'

/**
 * How long a live holder's claim protects a running request before another process may take
 * the key over anyway (a hung request). A claim whose process died is taken over at once.
 */
const LEASE_MS = 5 * 60_000

/**
 * `Idempotency-Key` on mutating Gate calls, with Stripe's semantics (SPEC §9): the same key and
 * the same request get the first answer again (`Idempotent-Replayed: true`); the same key with
 * another request is `idempotency_key_reused`; while the first is still running, `conflict`.
 * Without the header, on routes that move money (`bodyAsKey`), the request's own fingerprint is
 * its key: the same signed body on the same route — same project, payment and operation type —
 * within 24 hours answers the first result and moves no money (a replayed signed refund).
 * Hint: the payment or operation a run creates is bound to its key in the same transaction
 * (keyed-payments.ts), so a retry after a crash answers from that effect — the first run's
 * answer — and never runs the request again. Answers are kept unless worth retrying: a 5xx, a
 * `conflict` or a rate limit frees the key, or, if the run already wrote its effect, leaves it
 * for the next retry to answer from. The body (maybe holding a PAN) is never stored.
 */
export function idempotency(
  deps: Pick<AppDeps, 'clock'> & { idempotencyKeys: IdempotencyStore; payments: PaymentStore },
  options: { bodyAsKey: boolean },
): MiddlewareHandler<GateEnv> {
  return async (c, next) => {
    const header = c.req.header('idempotency-key')
    if (header !== undefined && !/^[\x21-\x7e]{1,255}$/.test(header)) {
      throw new PaymentError('validation_failed', 'Idempotency-Key must be 1–255 visible ASCII characters', { param: 'Idempotency-Key' })
    }
    if (header === undefined && !options.bodyAsKey) return next()
    const { project, fingerprint } = c.get('gate')
    // A space cannot occur in a merchant's key, so a body's own key never meets one.
    const key = header ?? `body ${fingerprint}`
    const begun = await deps.idempotencyKeys.begin(project.id, key, fingerprint, deps.clock.now(), LEASE_MS)
    if (!begun.claimed) {
      const { record } = begun
      if (record.fingerprint !== fingerprint) {
        throw new PaymentError('idempotency_key_reused', 'this Idempotency-Key was used with another request', { param: 'Idempotency-Key' })
      }
      if (record.state === 'in_flight') throw new PaymentError('conflict', 'a request with this Idempotency-Key is still being processed; retry shortly')
      return replayed(record.status, record.body)
    }
    const { claim, effect } = begun
    const earlier = await answerOf(deps.payments, effect)
    if (earlier) {
      const body = JSON.stringify(earlier)
      await deps.idempotencyKeys.finish(claim, 200, body)
      return replayed(200, body)
    }
    c.set('keyed', { claim, effect })
    try {
      await next()
    } catch (error) {
      await deps.idempotencyKeys.release(claim)
      throw error
    }
    const response = c.res
    const body = await response.clone().text()
    if (retryable(response.status, body)) await deps.idempotencyKeys.release(claim)
    else await deps.idempotencyKeys.finish(claim, response.status, body)
  }
}

/**
 * What the run that wrote `effect` answered, rebuilt from what it wrote: a Gate request is
 * accepted with its operation's `request_id` once its operation exists. Undefined when no
 * operation exists yet: a payment created but never attempted is resumed by running again.
 */
async function answerOf(payments: PaymentStore, effect: BoundEffect) {
  if (effect.operationId !== undefined) {
    const found = await payments.findOperation(effect.operationId)
    if (found) return toAccepted(found.payment, found.operation)
  }
  if (effect.paymentRowId === undefined) return undefined
  const payment = await payments.get(effect.paymentRowId)
  // Its first operation is the payment's own attempt (or the resolver's decline of it).
  const first = payment && (await payments.operations(payment.id))[0]
  return payment && first ? toAccepted(payment, first) : undefined
}

function replayed(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'application/json', 'Idempotent-Replayed': 'true' } })
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
