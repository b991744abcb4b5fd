import type { Context } from 'hono'
import type { KeyClaim, PaymentStore } from '../domain/ports.ts'
import type { BoundEffect } from '../storage/idempotency-store.ts'
import type { GateEnv } from './gate-signature.ts'

/** The Idempotency-Key a Gate request runs under, and what an earlier run of it already wrote. */
export type KeyedRun = { claim: KeyClaim; effect: BoundEffect }

/**
 * The PaymentStore a keyed Gate request writes through: the payment it creates and the first
 * operation it inserts are bound to its key in their own transactions (idempotency-store.ts
 * bindEffect). A run resuming a key whose earlier run created the payment but died before its
 * attempt picks that payment up again instead of refusing it as `payment_exists`.
 */
export function keyedPayments(payments: PaymentStore, run: KeyedRun): PaymentStore {
  let bound = { ...run.effect }
  return {
    ...payments,
    async createOrGet(payment) {
      const resumed = bound.paymentRowId === undefined ? undefined : await payments.get(bound.paymentRowId)
      if (resumed) {
        const same = resumed.projectId === payment.projectId && resumed.paymentId === payment.paymentId
        // Only a payment nothing has happened to yet is resumed; anything else is answered as stored.
        if (same && resumed.status === 'new' && resumed.attempts === 0) return { payment: resumed, created: true }
        return payments.createOrGet(payment)
      }
      const result = await payments.createOrGet(payment, run.claim)
      if (result.created) bound = { ...bound, paymentRowId: result.payment.id }
      return result
    },
    async apply(change) {
      if (bound.operationId !== undefined || !change.insertOperation) return payments.apply(change)
      const saved = await payments.apply({ ...change, claim: run.claim })
      bound = { paymentRowId: saved.id, operationId: change.insertOperation.id }
      return saved
    },
  }
}

/** `deps` with the request's keyed PaymentStore, for the use cases a Gate route calls. */
export function keyed<D extends { payments: PaymentStore }>(c: Context<GateEnv>, deps: D): D {
  const run = c.get('keyed')
  return run ? { ...deps, payments: keyedPayments(deps.payments, run) } : deps
}
