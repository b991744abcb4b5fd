import { PaymentError } from './errors.ts'
import { IN_FLIGHT_STATUSES, SETTLED_STATUSES, maskPan, type Operation, type Payment } from './payment.ts'
import type { AcquirerResult, CardAcquirer, CardData, Clock, Ids, PaymentStore, Project } from './ports.ts'
import { settleAttempt } from './settle-attempt.ts'
import { transition } from './transitions.ts'
import { cardBrand } from './card-brand.ts'
import { assertCardUsable } from './card-checks.ts'

export type PayDeps = { payments: PaymentStore; acquirer: CardAcquirer; clock: Clock; ids: Ids }

/**
 * Runs one card attempt on a payment: claims it with compare-and-set, asks the acquirer, and
 * saves the result with its ledger postings and callback in one transaction.
 * Hint: the claim is what makes double clicks, two tabs and replayed requests charge once —
 * only one caller can move the stored version from N to N+1; the others get `conflict`.
 * No transaction is held across the acquirer call (STYLE §3).
 */
export async function payWithCard(deps: PayDeps, project: Project, paymentRowId: string, card: CardData): Promise<Payment> {
  const payment = await deps.payments.get(paymentRowId)
  if (!payment || payment.projectId !== project.id) throw new PaymentError('payment_not_found', 'payment not found')
  const now = deps.clock.now()
  assertPayable(payment, now)
  assertCardUsable(card, now)

  const claimed = transition(payment, 'pay', now)
  const operation: Operation = {
    id: deps.ids.operation(),
    paymentRowId: payment.id,
    type: payment.operationType === 'auth' ? 'auth' : 'sale',
    status: 'processing',
    amount: payment.amount,
    currency: payment.currency,
    requestId: deps.ids.request(),
    provider: { id: 'sim-card', paymentId: undefined, authCode: undefined },
    code: undefined,
    message: undefined,
    cardMask: maskPan(card.pan),
    cardBrand: cardBrand(card.pan),
    createdAt: now,
    updatedAt: now,
  }
  const saved = await deps.payments.apply({ payment: claimed, expectedVersion: payment.version, insertOperation: operation })

  let result: AcquirerResult
  try {
    result = await deps.acquirer.authorise({
      reference: String(operation.id),
      amount: payment.amount,
      currency: payment.currency,
      card,
      capture: payment.operationType === 'sale',
    })
  } catch {
    // The acquirer may or may not have acted: the status query decides later, never a guess.
    return saved
  }
  return settleAttempt(deps, project, saved, operation, result)
}

function assertPayable(payment: Payment, now: Date): void {
  if (SETTLED_STATUSES.has(payment.status)) {
    throw new PaymentError('payment_completed', `the payment is already ${payment.status}`)
  }
  if (IN_FLIGHT_STATUSES.has(payment.status)) {
    throw new PaymentError('conflict', 'an attempt for this payment is already being processed')
  }
  if (payment.bestBefore && payment.bestBefore.getTime() <= now.getTime()) {
    throw new PaymentError('payment_expired', 'the payment link has expired')
  }
  if (payment.attempts >= payment.maxAttempts) {
    throw new PaymentError('attempts_exhausted', 'no payment attempts are left')
  }
}
