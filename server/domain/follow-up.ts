import { callbackPayload } from './callback-payload.ts'
import { PaymentError, assertNever } from './errors.ts'
import { capturePostings, payoutPaidPostings, payoutReleasePostings, refundPostings } from './ledger.ts'
import type { Operation, Payment } from './payment.ts'
import { paymentTotals } from './payment-totals.ts'
import type { Clock, Ids, PaymentChange, PaymentStore, Posting, Project, ProviderAnswer, ProviderRegistry } from './ports.ts'
import { transition, type PaymentEvent } from './transitions.ts'

/** What the follow-up use cases (capture, cancel, refund, payout) need. */
export type FollowUpDeps = {
  payments: PaymentStore
  clock: Clock
  ids: Ids
  providers: ProviderRegistry
}

/** The operation types settled here; recurring charges settle like card attempts. */
export type FollowUpType = 'capture' | 'cancel' | 'refund' | 'payout'

/** Builds a follow-up operation, copying the charge's method and account so callbacks show them. */
export function followUpOperation(
  deps: Pick<FollowUpDeps, 'ids' | 'clock'>,
  payment: Payment,
  type: FollowUpType,
  amount: number,
  from: Pick<Operation, 'method' | 'cardMask' | 'cardBrand' | 'accountToken' | 'provider'>,
): Operation {
  const now = deps.clock.now()
  return {
    id: deps.ids.operation(),
    paymentRowId: payment.id,
    type,
    status: 'processing',
    amount,
    currency: payment.currency,
    requestId: deps.ids.request(),
    provider: { id: from.provider.id, paymentId: undefined, authCode: undefined },
    code: undefined,
    message: undefined,
    method: from.method,
    cardMask: from.cardMask,
    cardBrand: from.cardBrand,
    accountToken: from.accountToken,
    redirect: undefined,
    returnedAt: undefined,
    createdAt: now,
    updatedAt: now,
  }
}

/** What a claim writes besides the operation: a payout's status move, hold and balance check. */
export type ClaimExtras = Pick<PaymentChange, 'postings' | 'requireBalance'> & { payment?: Payment }

/**
 * Claims a follow-up: inserts its operation as `processing` with compare-and-set on the
 * payment's version, together with `extras`.
 * Hint: while it is in flight the payment takes no other follow-up (checked by the use cases
 * on the version they claim at, and by a unique index): that is what keeps
 * Σcaptured ≤ authorised and Σrefunded ≤ captured when requests race.
 */
export async function claimFollowUp(deps: Pick<FollowUpDeps, 'payments'>, payment: Payment, operation: Operation, extras: ClaimExtras = {}): Promise<Payment> {
  return deps.payments.apply({
    payment: extras.payment ?? { ...payment, updatedAt: operation.createdAt },
    expectedVersion: payment.version,
    insertOperation: operation,
    ...(extras.postings ? { postings: extras.postings } : {}),
    ...(extras.requireBalance !== undefined ? { requireBalance: extras.requireBalance } : {}),
  })
}

/**
 * Asks the provider about a claimed follow-up and settles the answer.
 * Hint: no transaction is held across the provider call (STYLE §3). If the call fails, the
 * operation stays `processing` until the provider's own records settle it
 * (resolve-follow-ups.ts); nothing is guessed.
 */
export async function askAndSettle(
  deps: FollowUpDeps,
  project: Project,
  claimed: Payment,
  operation: Operation,
  ask: () => Promise<ProviderAnswer>,
): Promise<{ payment: Payment; operation: Operation }> {
  let answer: ProviderAnswer
  try {
    answer = await ask()
  } catch {
    return { payment: claimed, operation }
  }
  return settleFollowUp(deps, project, operation.id, answer)
}

/** Claims a follow-up, asks the provider and settles the answer. */
export async function runFollowUp(
  deps: FollowUpDeps,
  project: Project,
  payment: Payment,
  operation: Operation,
  ask: () => Promise<ProviderAnswer>,
): Promise<{ payment: Payment; operation: Operation }> {
  return askAndSettle(deps, project, await claimFollowUp(deps, payment, operation), operation, ask)
}

/**
 * Applies a provider's answer to a follow-up still in flight: the operation's result, the
 * payment's transition, the ledger postings and the merchant callback, in one change. An
 * operation already settled (by a resolver or a retried request) is returned as stored.
 */
export async function settleFollowUp(
  deps: Pick<FollowUpDeps, 'payments' | 'clock' | 'ids'>,
  project: Project,
  operationId: number,
  answer: ProviderAnswer,
): Promise<{ payment: Payment; operation: Operation }> {
  for (let attempt = 0; ; attempt++) {
    const found = await deps.payments.findOperation(operationId)
    if (!found) throw new PaymentError('payment_not_found', 'operation not found')
    if (found.operation.status !== 'processing' || answer.kind === 'pending') return found
    const change = await settlement(deps, project, found.payment, found.operation, answer)
    try {
      const payment = await deps.payments.apply(change)
      return { payment, operation: change.updateOperation ?? found.operation }
    } catch (error) {
      // A concurrent settle of the same operation moved the version: look again.
      if (!(error instanceof PaymentError && error.code === 'conflict') || attempt >= 2) throw error
    }
  }
}

async function settlement(
  deps: Pick<FollowUpDeps, 'payments' | 'clock' | 'ids'>,
  project: Project,
  payment: Payment,
  operation: Operation,
  answer: Exclude<ProviderAnswer, { kind: 'pending' }>,
): Promise<PaymentChange> {
  const now = deps.clock.now()
  const approved = answer.kind === 'approved'
  const settled: Operation = {
    ...operation,
    status: approved ? 'success' : 'decline',
    code: approved ? '0' : answer.code,
    message: approved ? 'Success' : answer.message,
    provider: { ...operation.provider, paymentId: answer.providerId },
    cardMask: answer.account ?? operation.cardMask,
    updatedAt: now,
  }
  let event: PaymentEvent | undefined
  let postings: Posting[] = []
  const type = operation.type as FollowUpType
  switch (type) {
    case 'capture':
      if (approved) [event, postings] = ['capture', capturePostings(operation.amount, project.commissionBps)]
      break
    case 'cancel':
      if (approved) event = 'cancel'
      break
    case 'refund':
      if (approved) {
        const totals = paymentTotals(payment, await deps.payments.operations(payment.id))
        event = totals.refunded + operation.amount >= totals.captured ? 'refund_full' : 'refund_partial'
        postings = refundPostings(operation.amount)
      }
      break
    case 'payout':
      ;[event, postings] = approved ? ['succeed', payoutPaidPostings(operation.amount)] : ['decline', payoutReleasePostings(operation.amount)]
      break
    default:
      return assertNever(type, 'follow-up type')
  }
  // A declined capture, void or refund leaves the payment where it was; the version still moves.
  const next = event ? transition(payment, event, now) : { ...payment, updatedAt: now }
  const change: PaymentChange = { payment: next, expectedVersion: payment.version, updateOperation: settled }
  if (postings.length > 0) change.postings = postings
  const callback = callbackFor(deps, project, next, settled)
  if (callback) change.callback = callback
  return change
}

/** The outbox event reporting `operation`'s final result, or undefined when no URL is known. */
export function callbackFor(
  deps: Pick<FollowUpDeps, 'ids' | 'clock'>,
  project: Project,
  payment: Payment,
  operation: Operation,
  extra: Record<string, unknown> = {},
): PaymentChange['callback'] {
  const url = payment.callbackUrl ?? project.callbackUrl
  if (!url) return undefined
  return {
    id: deps.ids.event(),
    projectId: project.id,
    paymentRowId: payment.id,
    operationId: operation.id,
    url,
    payload: { ...callbackPayload(payment, operation), ...extra },
    createdAt: deps.clock.now(),
  }
}
