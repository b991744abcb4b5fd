import { DECLINES } from './decline-codes.ts'
import { PaymentError } from './errors.ts'
import { merchantPayment } from './gate-payment.ts'
import { settleFollowUp, type FollowUpDeps } from './follow-up.ts'
import type { Operation, Payment } from './payment.ts'
import { inFlightFollowUp } from './payment-totals.ts'
import type { AcquirerResult, Project } from './ports.ts'
import { cardRoute, paymentScope } from './provider-routes.ts'
import { settleAttempt } from './settle-attempt.ts'

/** How long a follow-up may wait for its provider's answer before EPay asks the provider's records. */
export const FOLLOW_UP_STALL_MS = 10_000

/** What resolving needs: the providers, whose records settle follow-ups and recurring charges. */
export type ResolveDeps = FollowUpDeps

/**
 * Settles a follow-up or recurring charge whose answer never arrived (crash, timeout) from the
 * provider's own records, never by guessing. A provider with no record of the reference never
 * acted on it, so the operation is declined and nothing moved.
 */
export async function resolveFollowUp(deps: ResolveDeps, project: Project, payment: Payment, operation: Operation): Promise<void> {
  const reference = String(operation.id)
  if (operation.type === 'recurring') {
    const { acquirer } = await cardRoute(deps.providers, paymentScope(payment))
    const result = merchantInitiated((await acquirer.status(reference)) ?? notProcessed(operation))
    try {
      await settleAttempt(deps, project, payment, operation, result)
    } catch (error) {
      if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
    }
    return
  }
  const provider = (await deps.providers.route(paymentScope(payment), operation.method)).operations
  const answer = (await provider.status(reference)) ?? notProcessed(operation)
  await settleFollowUp(deps, project, operation.id, answer)
}

/**
 * Makes way for a new follow-up: a stalled one in flight is resolved first, a recent one
 * refuses the request with `conflict` (retry later). Returns the payment as stored now.
 */
export async function clearInFlight(deps: ResolveDeps, project: Project, payment: Payment, operations: readonly Operation[]): Promise<Payment> {
  const inFlight = inFlightFollowUp(operations)
  if (!inFlight) return payment
  if (deps.clock.now().getTime() - inFlight.updatedAt.getTime() < FOLLOW_UP_STALL_MS) {
    throw new PaymentError('conflict', 'another operation on this payment is still being processed; retry shortly')
  }
  await resolveFollowUp(deps, project, payment, inFlight)
  return (await deps.payments.get(payment.id)) ?? payment
}

/**
 * Loads a purchase for a new follow-up (capture, cancel, refund) with its operations, after
 * clearing a stalled follow-up in flight (see clearInFlight).
 */
export async function loadForFollowUp(
  deps: ResolveDeps,
  project: Project,
  paymentId: string,
  action: string,
): Promise<{ payment: Payment; operations: Operation[] }> {
  const found = await merchantPayment(deps, project, paymentId)
  if (found.type !== 'purchase') throw new PaymentError('invalid_transition', `cannot ${action} a ${found.type} payment`)
  const payment = await clearInFlight(deps, project, found, await deps.payments.operations(found.id))
  // Read after the payment: any later change also moved the version this claim will expect.
  return { payment, operations: await deps.payments.operations(payment.id) }
}

/**
 * Resolves follow-ups stalled past FOLLOW_UP_STALL_MS across all projects (the background job);
 * safe to run in every process at once, since settling is compare-and-set.
 */
export async function resolveStalledFollowUps(
  deps: ResolveDeps & {
    project(id: number): Promise<Project | undefined>
    stalledFollowUps(before: Date, limit: number): Promise<Array<{ payment: Payment; operation: Operation }>>
  },
): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - FOLLOW_UP_STALL_MS)
  let resolved = 0
  for (const { payment, operation } of await deps.stalledFollowUps(before, 50)) {
    const project = await deps.project(payment.projectId)
    if (!project) continue
    await resolveFollowUp(deps, project, payment, operation)
    resolved++
  }
  return resolved
}

/**
 * A merchant-initiated charge has no cardholder to pass 3-D Secure or a wallet page, so an
 * acquirer asking for either is a decline, not a wait.
 */
export function merchantInitiated(result: AcquirerResult): AcquirerResult {
  if (result.kind !== 'challenge' && result.kind !== 'redirect') return result
  return { kind: 'declined', providerId: result.providerId, ...DECLINES.authenticationRequired }
}

function notProcessed(operation: Operation): { kind: 'declined'; providerId: string; code: string; message: string } {
  return { kind: 'declined', providerId: operation.provider.paymentId ?? operation.provider.id, ...DECLINES.notProcessed }
}
