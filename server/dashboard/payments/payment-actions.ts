import { createHash } from 'node:crypto'
import type { ActionResult } from '../../../protocol/schemas/dashboard/payments.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { Operation, Payment } from '../../domain/payment.ts'
import type { PaymentStore, Project } from '../../domain/ports.ts'
import type { AppDeps } from '../../http/deps.ts'
import { keyedPayments } from '../../http/keyed-payments.ts'
import { toOperationView } from './payment-views.ts'

/** How long a click's claim protects it before another process may take its key over (as the Gate's). */
const LEASE_MS = 5 * 60_000

/**
 * Runs one click of a money action exactly once, with the Gate's idempotency records: the same
 * key and request answer the first result again; the same key with another request is
 * `idempotency_key_reused`; while the first still runs, `conflict`.
 * Hint: the money itself moves only through `run`, which is the Gate's own domain function, so
 * the dashboard has no second money path; its keys are namespaced so no Gate key can meet one.
 * `run` writes through the key's PaymentStore, so the operation it starts is bound to the key in
 * its own transaction: a click retried after a crash answers from that operation, never runs twice.
 */
export async function runOnce(
  deps: Pick<AppDeps, 'clock' | 'gate' | 'payments'>,
  project: Project,
  click: { key: string; action: string; target: string; amount: number | undefined; userId: string },
  run: (payments: PaymentStore) => Promise<{ payment: Payment; operation: Operation }>,
): Promise<{ result: ActionResult; replayed: boolean }> {
  const key = `dashboard:${click.key}`
  const fingerprint = createHash('sha256').update(JSON.stringify([click.action, click.target, click.amount ?? null, click.userId])).digest('hex')
  const store = deps.gate.idempotencyKeys
  const begun = await store.begin(project.id, key, fingerprint, deps.clock.now(), LEASE_MS)
  if (!begun.claimed) {
    const { record } = begun
    if (record.fingerprint !== fingerprint) throw new PaymentError('idempotency_key_reused', 'this click was already used for another action', { param: 'idempotency_key' })
    if (record.state === 'in_flight') throw new PaymentError('conflict', 'this action is still being processed')
    return { result: JSON.parse(record.body) as ActionResult, replayed: true }
  }
  const { claim, effect } = begun
  const earlier = effect.operationId === undefined ? undefined : await deps.payments.findOperation(effect.operationId)
  if (earlier) {
    const result: ActionResult = { payment_status: earlier.payment.status, operation: toOperationView(earlier.operation) }
    await store.finish(claim, 200, JSON.stringify(result))
    return { result, replayed: true }
  }
  let done: { payment: Payment; operation: Operation }
  try {
    done = await run(keyedPayments(deps.payments, { claim, effect }))
  } catch (error) {
    // A refused action moved nothing: the key is freed so a corrected click may use it again.
    await store.release(claim)
    throw error
  }
  const result: ActionResult = { payment_status: done.payment.status, operation: toOperationView(done.operation) }
  await store.finish(claim, 200, JSON.stringify(result))
  return { result, replayed: false }
}
