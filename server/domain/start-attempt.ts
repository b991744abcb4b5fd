import { PaymentError } from './errors.ts'
import { IN_FLIGHT_STATUSES, SETTLED_STATUSES, type Operation, type Payment } from './payment.ts'
import type { Clock, Ids, MethodRoute, PaymentStore, Project, ProviderRegistry } from './ports.ts'
import { paymentScope } from './provider-routes.ts'
import { transition } from './transitions.ts'

/**
 * A payment to claim: its row id, or the row as the caller has just read it. Either is safe:
 * the claim compares the version it was read at, so a change in between makes it `conflict`.
 * Passing the row saves reading it twice in one request.
 */
export type PaymentRef = string | Payment

/** The row id of a PaymentRef. */
export const paymentRowIdOf = (ref: PaymentRef): string => (typeof ref === 'string' ? ref : ref.id)

/**
 * Claims a payment for one shopper attempt: checks it can be paid, moves it to `processing` and
 * inserts the attempt's operation, in one compare-and-set change.
 * Hint: the claim is what makes double clicks, two tabs and replayed requests charge once —
 * only one caller moves the stored version from N to N+1; the others get `conflict`, and the
 * database's one-attempt-in-flight index backs it up.
 */
export async function startAttempt(
  deps: { payments: PaymentStore; clock: Clock; ids: Ids; providers: ProviderRegistry },
  project: Project,
  paymentRowId: PaymentRef,
  attempt: Pick<Operation, 'method' | 'cardMask' | 'cardBrand' | 'accountToken'>,
  check: (payment: Payment, now: Date, route: MethodRoute) => void = () => undefined,
): Promise<{ payment: Payment; operation: Operation; route: MethodRoute }> {
  const payment = typeof paymentRowId === 'string' ? await deps.payments.get(paymentRowId) : paymentRowId
  if (!payment || payment.projectId !== project.id) throw new PaymentError('payment_not_found', 'payment not found')
  const now = deps.clock.now()
  assertPayable(payment, now)
  // Asked before the claim: an unknown method or a live project without a connection is
  // refused while nothing is written and no attempt is used up.
  const route = await deps.providers.route(paymentScope(payment), attempt.method)
  check(payment, now, route)
  const operation: Operation = {
    id: deps.ids.operation(),
    paymentRowId: payment.id,
    type: payment.operationType === 'auth' ? 'auth' : 'sale',
    status: 'processing',
    amount: payment.amount,
    currency: payment.currency,
    requestId: deps.ids.request(),
    provider: { id: route.providerId, paymentId: undefined, authCode: undefined },
    code: undefined,
    message: undefined,
    method: attempt.method,
    cardMask: attempt.cardMask,
    cardBrand: attempt.cardBrand,
    accountToken: attempt.accountToken,
    redirect: undefined,
    returnedAt: undefined,
    createdAt: now,
    updatedAt: now,
  }
  const saved = await deps.payments.apply({ payment: transition(payment, 'pay', now), expectedVersion: payment.version, insertOperation: operation })
  return { payment: saved, operation, route }
}

/** Throws unless the shopper may start an attempt on `payment` now (not settled, in flight, expired or out of attempts). */
export function assertPayable(payment: Payment, now: Date): void {
  if (SETTLED_STATUSES.has(payment.status)) throw new PaymentError('payment_completed', `the payment is already ${payment.status}`)
  if (IN_FLIGHT_STATUSES.has(payment.status)) throw new PaymentError('conflict', 'an attempt for this payment is already being processed')
  if (payment.bestBefore && payment.bestBefore.getTime() <= now.getTime()) throw new PaymentError('payment_expired', 'the payment link has expired')
  if (payment.attempts >= payment.maxAttempts) throw new PaymentError('attempts_exhausted', 'no payment attempts are left')
}
