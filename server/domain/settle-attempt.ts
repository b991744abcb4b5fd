import { assertNever } from './errors.ts'
import { callbackPayload } from './callback-payload.ts'
import type { Operation, Payment } from './payment.ts'
import { capturePostings } from './ledger.ts'
import type { AcquirerResult, CardTokenRecord, Clock, Ids, PaymentChange, PaymentStore, Project } from './ports.ts'
import { transition, type PaymentEvent } from './transitions.ts'

/** A payment after an attempt, with the attempt as this process last saw it stored. */
export type Attempted = { payment: Payment; operation: Operation }

/**
 * Applies a provider's answer to an attempt: the operation's and the payment's status, the
 * ledger postings of a captured sale, the merchant callback and a card to save — all in one
 * change. A `pending` answer changes nothing: the attempt waits for a status query.
 */
export async function settleAttempt(
  deps: { payments: PaymentStore; clock: Clock; ids: Ids },
  project: Project,
  payment: Payment,
  operation: Operation,
  result: AcquirerResult,
  saveCard?: CardTokenRecord,
): Promise<Attempted> {
  if (result.kind === 'pending') return { payment, operation }
  const now = deps.clock.now()
  const provider = { ...operation.provider, paymentId: result.providerId }
  let event: PaymentEvent
  let settled: Operation
  switch (result.kind) {
    case 'approved':
      event = operation.type === 'auth' ? 'authorise' : 'succeed'
      settled = { ...operation, status: 'success', code: '0', message: 'Success', updatedAt: now, redirect: undefined,
        provider: { ...provider, authCode: result.authCode }, cardMask: result.account ?? operation.cardMask }
      break
    case 'declined':
      event = 'decline'
      settled = { ...operation, status: 'decline', code: result.code, message: result.message, updatedAt: now, redirect: undefined,
        provider, cardMask: result.account ?? operation.cardMask }
      break
    case 'challenge':
      event = 'require_3ds'
      settled = { ...operation, status: 'awaiting 3ds result', updatedAt: now, provider, redirect: { method: 'POST', url: result.acsUrl } }
      break
    case 'redirect':
      event = 'require_redirect'
      settled = { ...operation, status: 'awaiting redirect result', updatedAt: now, provider, redirect: result.redirect }
      break
    default:
      return assertNever(result, 'provider result')
  }
  const saved = settled.status === 'success' && saveCard ? saveCard : undefined
  if (saved) settled.accountToken = saved.token
  const next = transition(payment, event, now)
  const change: PaymentChange = { payment: next, expectedVersion: payment.version, updateOperation: settled }
  if (event === 'succeed') change.postings = capturePostings(settled.amount, project.commissionBps)
  if (saved) change.saveCard = saved
  const url = payment.callbackUrl ?? project.callbackUrl
  // Only final results are reported; a pending challenge or wallet redirect is not one.
  if (url && (settled.status === 'success' || settled.status === 'decline')) {
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
  return { payment: await deps.payments.apply(change), operation: settled }
}
