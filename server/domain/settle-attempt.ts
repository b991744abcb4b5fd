import { assertNever } from './errors.ts'
import { callbackPayload } from './callback-payload.ts'
import type { Operation, Payment } from './payment.ts'
import type { AcquirerResult, Clock, Ids, PaymentChange, PaymentStore, Posting, Project } from './ports.ts'
import { transition, type PaymentEvent } from './transitions.ts'

/**
 * Applies an acquirer's answer to a claimed attempt: the operation's and the payment's final
 * status, the ledger postings of a captured sale and the merchant callback, all in one change.
 * A `pending` answer changes nothing: the attempt stays `processing` until a status query.
 */
export async function settleAttempt(
  deps: { payments: PaymentStore; clock: Clock; ids: Ids },
  project: Project,
  payment: Payment,
  operation: Operation,
  result: AcquirerResult,
): Promise<Payment> {
  if (result.kind === 'pending') return payment
  const now = deps.clock.now()
  let event: PaymentEvent
  let settled: Operation
  switch (result.kind) {
    case 'approved':
      event = operation.type === 'auth' ? 'authorise' : 'succeed'
      settled = { ...operation, status: 'success', code: '0', message: 'Success', updatedAt: now,
        provider: { ...operation.provider, paymentId: result.providerId, authCode: result.authCode } }
      break
    case 'declined':
      event = 'decline'
      settled = { ...operation, status: 'decline', code: result.code, message: result.message, updatedAt: now,
        provider: { ...operation.provider, paymentId: result.providerId } }
      break
    default:
      return assertNever(result, 'acquirer result')
  }
  const next = transition(payment, event, now)
  const change: PaymentChange = { payment: next, expectedVersion: payment.version, updateOperation: settled }
  if (event === 'succeed') change.postings = salePostings(settled.amount)
  const url = payment.callbackUrl ?? project.callbackUrl
  if (url) {
    change.callback = {
      id: deps.ids.event(),
      projectId: project.id,
      paymentRowId: payment.id,
      operationId: settled.id,
      url,
      payload: callbackPayload(next, settled),
      createdAt: now,
    }
  }
  return deps.payments.apply(change)
}

/**
 * A captured sale: the acquirer now owes the money, and EPay owes it to the merchant.
 * Debits are positive; the legs of every operation sum to zero.
 */
function salePostings(amount: number): Posting[] {
  return [
    { account: 'acquirer', amount },
    { account: 'merchant', amount: -amount },
  ]
}
