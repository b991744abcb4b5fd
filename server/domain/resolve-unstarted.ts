import { DECLINES } from './decline-codes.ts'
import { PaymentError } from './errors.ts'
import { callbackFor } from './follow-up.ts'
import type { Operation, Payment } from './payment.ts'
import type { Clock, Ids, PaymentChange, PaymentStore, Project } from './ports.ts'
import { transition } from './transitions.ts'

/**
 * How long a Gate payment may stay `new` with no attempt before EPay gives up on it. A Gate
 * request creates its payment and starts its attempt in one call with no provider call between,
 * so a payment still unstarted after this long lost its request (a crash).
 */
export const GATE_START_STALL_MS = 30_000

type Deps = {
  payments: PaymentStore
  clock: Clock
  ids: Ids
  project(id: number): Promise<Project | undefined>
  /** Whether a keyed request still running under a live holder owns this payment. */
  liveClaimOn(paymentRowId: string): Promise<boolean>
}

/**
 * Ends Gate payments (sales, auths, payouts) whose request died between creating the payment
 * and starting its attempt: no provider ever saw them, so each is declined "not processed" with
 * an operation of its own and the merchant's callback, in one compare-and-set change. Nothing
 * moved, nothing is left `new`. A retry of the request with its Idempotency-Key that comes first
 * resumes the payment instead (keyed-payments.ts); one that comes later answers this decline.
 */
export async function declineUnstartedGatePayments(deps: Deps): Promise<number> {
  const now = deps.clock.now()
  let declined = 0
  for (const payment of await deps.payments.unstartedGatePayments(new Date(now.getTime() - GATE_START_STALL_MS), 50)) {
    const project = await deps.project(payment.projectId)
    if (!project || (await deps.liveClaimOn(payment.id))) continue
    const operation = notProcessed(deps, payment, now)
    // new → processing → decline: the table's own edges, saved as one change.
    const next = transition(transition(payment, 'pay', now), 'decline', now)
    const change: PaymentChange = { payment: next, expectedVersion: payment.version, insertOperation: operation }
    const callback = callbackFor(deps, project, next, operation)
    if (callback) change.callback = callback
    try {
      await deps.payments.apply(change)
      declined++
    } catch (error) {
      // A retry resumed it first: that attempt decides.
      if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
    }
  }
  return declined
}

function notProcessed(deps: Pick<Deps, 'ids'>, payment: Payment, now: Date): Operation {
  return {
    id: deps.ids.operation(),
    paymentRowId: payment.id,
    type: payment.type === 'payout' ? 'payout' : payment.operationType,
    status: 'decline',
    amount: payment.amount,
    currency: payment.currency,
    requestId: deps.ids.request(),
    // No provider was asked: the decline is EPay's own.
    provider: { id: 'epay', paymentId: undefined, authCode: undefined },
    ...DECLINES.notProcessed,
    method: payment.params['method'] ?? 'card',
    cardMask: undefined,
    cardBrand: undefined,
    accountToken: undefined,
    redirect: undefined,
    returnedAt: undefined,
    createdAt: now,
    updatedAt: now,
  }
}
