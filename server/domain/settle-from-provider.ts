import { PaymentError } from './errors.ts'
import { settleFollowUp, type FollowUpDeps } from './follow-up.ts'
import type { Project } from './ports.ts'
import { attemptProvider, paymentScope } from './provider-routes.ts'
import { settleAttempt } from './settle-attempt.ts'

const ATTEMPTS = new Set(['sale', 'auth', 'recurring'])
const WAITING = new Set(['processing', 'awaiting 3ds result', 'awaiting redirect result'])

/**
 * Settles one operation from its provider's own records, when the provider says something
 * changed (an upstream's verified callback): the same status query and the same transition
 * table as the return from 3-D Secure and the background resolver, so a notification can only
 * make EPay learn sooner what the provider holds, never decide anything itself.
 * Returns whether the operation was settled now.
 */
export async function settleFromProvider(deps: FollowUpDeps & { project(id: number): Promise<Project | undefined> }, operationId: number): Promise<boolean> {
  const found = await deps.payments.findOperation(operationId)
  if (!found || !WAITING.has(found.operation.status)) return false
  const { payment, operation } = found
  const project = await deps.project(payment.projectId)
  if (!project) return false
  const route = await deps.providers.route(paymentScope(payment), operation.method)
  const reference = String(operation.id)
  if (ATTEMPTS.has(operation.type)) {
    const result = await attemptProvider(route).status(reference)
    if (!result || (result.kind !== 'approved' && result.kind !== 'declined')) return false
    try {
      await settleAttempt(deps, project, payment, operation, result)
      return true
    } catch (error) {
      // The shopper's return or the resolver settled it first.
      if (error instanceof PaymentError && error.code === 'conflict') return false
      throw error
    }
  }
  const answer = await route.operations.status(reference)
  if (!answer || answer.kind === 'pending') return false
  const settled = await settleFollowUp(deps, project, operation.id, answer)
  return settled.operation.status !== 'processing'
}
