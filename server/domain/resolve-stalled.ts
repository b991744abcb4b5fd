import { DECLINES } from './decline-codes.ts'
import { PaymentError } from './errors.ts'
import type { Operation, Payment } from './payment.ts'
import type { AcquirerResult, Clock, Ids, PaymentStore, Project, ProviderRegistry } from './ports.ts'
import { attemptProvider, paymentScope } from './provider-routes.ts'
import { settleAttempt } from './settle-attempt.ts'
import { transition } from './transitions.ts'

/** How long each kind of wait lasts before EPay asks the provider, and before it gives up. */
export type StallLimits = {
  /** An attempt with no answer at all (lost call, crash). */
  processingMs: number
  /** A 3-D Secure challenge the shopper has not finished. */
  challengeMs: number
  /** A wallet payment: ask the wallet after this long… */
  redirectMs: number
  /** …and end it if the shopper still has not decided after this long. */
  walletAbandonMs: number
}

export const DEFAULT_STALL_LIMITS: StallLimits = { processingMs: 5_000, challengeMs: 15 * 60_000, redirectMs: 5 * 60_000, walletAbandonMs: 30 * 60_000 }

type Deps = { payments: PaymentStore; clock: Clock; ids: Ids; providers: ProviderRegistry; project(id: number): Promise<Project | undefined>; logger?: { error(message: string, fields?: Record<string, unknown>): void } }

/**
 * Resolves attempts whose result never arrived — an acquirer timeout, a crash between the
 * claim and the answer, an abandoned 3-D Secure challenge or wallet page, a wallet that has not
 * notified — by asking the provider, never by guessing (SPEC §7). Where the provider has no
 * answer either, EPay asks it to end the attempt (`abandon`) and records what the provider
 * then says, so EPay and the provider can never disagree about a charge.
 */
export async function resolveStalledAttempts(deps: Deps, limits: StallLimits = DEFAULT_STALL_LIMITS): Promise<number> {
  const now = deps.clock.now()
  const ago = (ms: number) => new Date(now.getTime() - ms)
  const cutoffs = { processing: ago(limits.processingMs), challenge: ago(limits.challengeMs), redirect: ago(limits.redirectMs) }
  let resolved = 0
  for (const { payment, operation } of await deps.payments.stalledAttempts(cutoffs, 50)) {
    let settled = false
    try {
      settled = await resolveAttempt(deps, limits, now, payment, operation)
    } catch (error) {
      // One provider failing must not stop the others: this attempt is tried again later.
      if (!(error instanceof PaymentError && error.code === 'conflict')) deps.logger?.error('stalled attempt not resolved', { operationId: operation.id, error })
    }
    if (settled) resolved++
    // Looked at and still undecided (a shopper on the ACS page, a provider down): it goes to the
    // back of the queue, so stuck attempts never crowd out the ones that are due.
    else await deps.payments.markChecked(operation.id, now)
  }
  return resolved
}

// Settles one stalled attempt from the provider's records; false while there is no result yet.
async function resolveAttempt(deps: Deps, limits: StallLimits, now: Date, payment: Payment, operation: Operation): Promise<boolean> {
  const age = now.getTime() - operation.updatedAt.getTime()
  const reference = String(operation.id)
  const provider = attemptProvider(await deps.providers.route(paymentScope(payment), operation.method))
  let result: AcquirerResult | undefined
  if (operation.status === 'awaiting 3ds result') {
    result = await provider.abandon(reference)
  } else {
    result = await provider.status(reference)
    const undecided = !result || result.kind === 'pending' || result.kind === 'redirect'
    // No answer for a lost call, or a wallet page left open too long: end it at the provider.
    if (undecided && (operation.status === 'processing' || age >= limits.walletAbandonMs)) {
      result = await provider.abandon(reference)
      // Asked to end it, the provider has no record at all: it never started (a crash between
      // the claim and the call), so nothing moved and the attempt is declined.
      if (!result) result = { kind: 'declined', providerId: operation.provider.id, ...DECLINES.notProcessed }
    }
  }
  // Still waiting on the shopper (challenge or wallet page): not a result yet.
  if (!result || result.kind === 'pending' || (result.kind === 'challenge' && operation.status === 'awaiting 3ds result') ||
    (result.kind === 'redirect' && operation.status === 'awaiting redirect result')) return false
  const project = await deps.project(payment.projectId)
  if (!project) return false
  try {
    await settleAttempt(deps, project, payment, operation, result)
    return true
  } catch (error) {
    // Another process or the shopper's return settled it first: nothing left to do.
    if (error instanceof PaymentError && error.code === 'conflict') return true
    throw error
  }
}

/** Moves unpaid payments past their `best_before` to `expired` (SPEC §6). */
export async function expirePayments(deps: { payments: PaymentStore; clock: Clock }): Promise<number> {
  const now = deps.clock.now()
  let expired = 0
  for (const payment of await deps.payments.expired(now, 100)) {
    try {
      await deps.payments.apply({ payment: transition(payment, 'expire', now), expectedVersion: payment.version })
      expired++
    } catch (error) {
      if (!(error instanceof PaymentError && (error.code === 'conflict' || error.code === 'invalid_transition'))) throw error
    }
  }
  return expired
}
