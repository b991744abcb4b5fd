import * as v from 'valibot'
import { DECLINES } from '../../domain/decline-codes.ts'
import type { AcquirerResult, ProviderAnswer } from '../../domain/ports.ts'
import { UpstreamUnavailable, type GateClient } from './gate-client.ts'

/**
 * What the connector reads of an upstream `/v2/payment/status` answer. Lenient on purpose
 * (strings, not EPay's own picklists): a real ECommPay upstream may add fields and statuses;
 * what the mapping below does not know is an error, never a guess.
 */
const UpstreamOperationSchema = v.object({
  type: v.string(),
  status: v.string(),
  request_id: v.optional(v.string()),
  provider: v.optional(v.object({ payment_id: v.optional(v.string()), auth_code: v.optional(v.string()) })),
  code: v.optional(v.string()),
  message: v.optional(v.string()),
  /** What the operation was for; read by the reconciliation only (absent: not compared). */
  sum_initial: v.optional(v.object({ amount: v.optional(v.number()), currency: v.optional(v.string()) })),
})
export const UpstreamStatusSchema = v.object({
  payment: v.object({ id: v.string(), status: v.string() }),
  operations: v.array(UpstreamOperationSchema),
  account: v.optional(v.object({ number: v.optional(v.string()) })),
  redirect_data: v.optional(v.object({ method: v.picklist(['GET', 'POST']), url: v.string(), body: v.record(v.string(), v.string()) })),
})
export type UpstreamStatus = v.InferOutput<typeof UpstreamStatusSchema>
export type UpstreamOperation = v.InferOutput<typeof UpstreamOperationSchema>

export function readUpstreamStatus(body: unknown): UpstreamStatus {
  const parsed = v.safeParse(UpstreamStatusSchema, body)
  if (!parsed.success) throw new UpstreamUnavailable('a status answer that is not the protocol\'s')
  return parsed.output
}

/**
 * Asks the upstream for one of its payments (`/v2/payment/status`); `undefined` when it has no
 * such payment. Throws UpstreamUnavailable when it cannot tell.
 */
export async function readUpstreamPayment(client: GateClient, paymentId: string): Promise<UpstreamStatus | undefined> {
  const answer = await client.call('/v2/payment/status', { general: { payment_id: paymentId } })
  if (answer.kind === 'refused') {
    if (answer.code === 'payment_not_found') return undefined
    throw new UpstreamUnavailable(`status refused: ${answer.code}`)
  }
  return readUpstreamStatus(answer.body)
}

/** The upstream's own charge (or payout) operation of a payment. */
export function mainOperation(status: UpstreamStatus, types: readonly string[]): UpstreamOperation | undefined {
  return status.operations.find((op) => types.includes(op.type))
}

/** A request the upstream refused outright: nothing was created there, so nothing moved. */
export function refusedUpstream(providerId: string, code: string): { kind: 'declined'; providerId: string; code: string; message: string } {
  return { kind: 'declined', providerId, code: DECLINES.notProcessed.code, message: `${DECLINES.notProcessed.message} (upstream: ${code})` }
}

/** What a waiting attempt needs from the status besides the operation: where the shopper goes. */
export type Waiting = {
  /** EPay's own address that sends the shopper on with the upstream's `redirect_data`. */
  through(redirect: NonNullable<UpstreamStatus['redirect_data']>): Promise<string>
}

/**
 * Maps an upstream charge operation to the adapter's result (SPEC §7).
 * Hint: exhaustive over the protocol's operation statuses; an unknown one throws, so the
 * attempt stays `processing` until a status query can tell, never "pending" by default.
 */
export async function attemptResult(providerId: string, status: UpstreamStatus, op: UpstreamOperation, withAccount: boolean, waiting: Waiting): Promise<AcquirerResult> {
  const account = withAccount && status.account?.number ? { account: status.account.number } : {}
  switch (op.status) {
    case 'success':
      return { kind: 'approved', providerId, authCode: op.provider?.auth_code || op.request_id || providerId, ...account }
    case 'decline':
    case 'error':
      return { kind: 'declined', providerId, code: op.code ?? DECLINES.notProcessed.code, message: op.message ?? DECLINES.notProcessed.message, ...account }
    case 'processing':
      return { kind: 'pending', providerId }
    case 'awaiting 3ds result':
      // Without the upstream's redirect_data the shopper cannot be sent on: still waiting.
      return status.redirect_data ? { kind: 'challenge', providerId, acsUrl: await waiting.through(status.redirect_data) } : { kind: 'pending', providerId }
    case 'awaiting redirect result':
      // Through EPay's own page too: the payment page's CSP lets forms go to EPay only.
      return status.redirect_data ? { kind: 'redirect', providerId, redirect: { method: 'POST', url: await waiting.through(status.redirect_data) } } : { kind: 'pending', providerId }
    default:
      throw new UpstreamUnavailable(`an operation status the protocol does not have: ${op.status}`)
  }
}

/** Maps an upstream follow-up or payout operation to the adapter's answer; exhaustive as above. */
export function followUpAnswer(providerId: string, status: UpstreamStatus, op: UpstreamOperation, withAccount: boolean): ProviderAnswer {
  const account = withAccount && status.account?.number ? { account: status.account.number } : {}
  switch (op.status) {
    case 'success':
      return { kind: 'approved', providerId, ...account }
    case 'decline':
    case 'error':
      return { kind: 'declined', providerId, code: op.code ?? DECLINES.notProcessed.code, message: op.message ?? DECLINES.notProcessed.message, ...account }
    case 'processing':
    case 'awaiting 3ds result':
    case 'awaiting redirect result':
      return { kind: 'pending', providerId }
    default:
      throw new UpstreamUnavailable(`an operation status the protocol does not have: ${op.status}`)
  }
}
