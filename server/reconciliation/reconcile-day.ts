import { compareWithUpstream, dayBounds, type UpstreamSide } from '../domain/reconciliation.ts'
import { UpstreamUnavailable } from '../providers/ecommpay-gate/gate-client.ts'
import { mainOperation, type UpstreamOperation, type UpstreamStatus } from '../providers/ecommpay-gate/upstream-status.ts'
import { mapBounded, type Pace } from './bounded-map.ts'
import type { DayOperation, Mismatch, ReconciliationStore } from './reconciliation-store.ts'

/** Asks the project's upstream about one of its payments; `undefined`: it has none. Throws UpstreamUnavailable. */
export type UpstreamPayments = (upstreamPaymentId: string) => Promise<UpstreamStatus | undefined>

/** The status query of each upstream payment: four in flight, at most ten started a second. */
export const DEFAULT_PACE: Pace = { concurrency: 4, minGapMs: 100 }

const CHARGE_KINDS = new Set(['sale', 'auth', 'recurring', 'wallet_sale'])
const PAYOUT_KINDS = new Set(['card_payout', 'wallet_payout'])

/**
 * Compares one project's operations of one UTC day with the upstream's records: one status
 * query per upstream payment (a charge and its follow-ups share one), paced, then each local
 * operation against the upstream operation it became. Nothing is changed on either side: a
 * disagreement on a final operation is for people to look at (the transition table never
 * reopens one), and open operations are the resolvers' to settle.
 */
export async function reconcileDay(
  deps: { store: Pick<ReconciliationStore, 'dayOperations' | 'knownRequestIds'>; upstream: UpstreamPayments; pace?: Pace },
  projectId: number,
  day: string,
): Promise<{ checked: number; mismatches: Mismatch[] }> {
  const { from, to } = dayBounds(day)
  const operations = await deps.store.dayOperations(projectId, from, to)
  const upstreamIds = [...new Set(operations.flatMap((o) => (o.upstream ? [o.upstream.paymentId] : [])))]
  const answers = new Map<string, { status: UpstreamStatus | undefined } | 'no_answer'>()
  await mapBounded(upstreamIds, deps.pace ?? DEFAULT_PACE, async (id) => {
    try {
      answers.set(id, { status: await deps.upstream(id) })
    } catch (error) {
      if (!(error instanceof UpstreamUnavailable)) throw error
      answers.set(id, 'no_answer')
    }
  })
  const mismatches: Mismatch[] = []
  for (const operation of operations) {
    const answer = operation.upstream ? answers.get(operation.upstream.paymentId) : { status: undefined }
    if (answer === 'no_answer') {
      mismatches.push(mismatch('no_answer', operation, undefined))
      continue
    }
    const theirs = answer?.status ? upstreamOperation(operation, answer.status) : undefined
    const side: UpstreamSide = theirs ? { status: theirs.status, amount: theirs.sum_initial?.amount, currency: theirs.sum_initial?.currency } : undefined
    const kind = compareWithUpstream(operation, side)
    if (kind) mismatches.push(mismatch(kind, operation, theirs))
  }
  // Successful operations upstream that EPay never asked for, on EPay's own payments.
  const known = await deps.store.knownRequestIds(projectId, upstreamIds)
  for (const id of upstreamIds) {
    const answer = answers.get(id)
    if (!answer || answer === 'no_answer' || !answer.status) continue
    const main = mainOperation(answer.status, ['sale', 'auth', 'recurring', 'payout'])
    for (const op of answer.status.operations) {
      if (op === main || op.status !== 'success' || (op.request_id !== undefined && known.has(op.request_id))) continue
      mismatches.push({
        kind: 'unknown_locally', operationId: undefined, paymentId: undefined, upstreamPaymentId: id, operationType: op.type,
        localStatus: undefined, upstreamStatus: op.status, localAmount: undefined, upstreamAmount: op.sum_initial?.amount,
        currency: undefined, upstreamCurrency: op.sum_initial?.currency,
      })
    }
  }
  return { checked: operations.length, mismatches }
}

/** The upstream operation a local one became: the payment's own charge or payout, or the follow-up by its request id. */
function upstreamOperation(operation: DayOperation, status: UpstreamStatus): UpstreamOperation | undefined {
  const sent = operation.upstream!
  if (CHARGE_KINDS.has(sent.kind)) return mainOperation(status, ['sale', 'auth', 'recurring'])
  if (PAYOUT_KINDS.has(sent.kind)) return mainOperation(status, ['payout'])
  return sent.requestId === undefined ? undefined : status.operations.find((op) => op.request_id === sent.requestId)
}

function mismatch(kind: Mismatch['kind'], operation: DayOperation, theirs: UpstreamOperation | undefined): Mismatch {
  return {
    kind,
    operationId: operation.id,
    paymentId: operation.paymentId,
    upstreamPaymentId: operation.upstream?.paymentId,
    operationType: operation.type,
    localStatus: operation.status,
    upstreamStatus: theirs?.status,
    localAmount: operation.amount,
    upstreamAmount: theirs?.sum_initial?.amount,
    currency: operation.currency,
    upstreamCurrency: theirs?.sum_initial?.currency,
  }
}
