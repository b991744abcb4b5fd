import { cardBrand } from './card-brand.ts'
import { PaymentError } from './errors.ts'
import { assertCardUsable } from './card-checks.ts'
import { maskPan, type Payment } from './payment.ts'
import type { AcquirerResult, CardData, CardTokenRecord, Clock, Ids, PaymentStore, Project, ProviderRegistry } from './ports.ts'
import { asCard } from './provider-routes.ts'
import { methodsFor } from './payment-options.ts'
import { settleAttempt, type Attempted } from './settle-attempt.ts'
import { paymentRowIdOf, startAttempt, type PaymentRef } from './start-attempt.ts'

export type PayDeps = { payments: PaymentStore; providers: ProviderRegistry; clock: Clock; ids: Ids }

/** How the card was given: typed in (maybe to be saved), or a saved card's token. */
export type CardSource = { accountToken?: string; save?: (now: Date) => CardTokenRecord }

/**
 * Runs one card attempt: claims the payment, asks the acquirer, and saves the result with its
 * ledger postings, callback and (if asked) the saved card in one transaction.
 * Hint: no transaction is held across the acquirer call (STYLE §3); the acquirer dedupes on the
 * operation id, so a retry after a crash cannot authorise twice.
 * Returns the attempt as stored, or no attempt when another writer settled it first.
 */
export async function payWithCard(deps: PayDeps, project: Project, paymentRowId: PaymentRef, card: CardData, source: CardSource = {}): Promise<Attempted | { payment: Payment; operation: undefined }> {
  const claimed = await startAttempt(
    deps,
    project,
    paymentRowId,
    { method: 'card', cardMask: maskPan(card.pan), cardBrand: cardBrand(card.pan), accountToken: source.accountToken },
    (payment, now, route) => {
      asCard(route)
      if (!methodsFor(payment, project.methods).includes('card')) throw new PaymentError('validation_failed', 'cards are not available for this payment', { param: 'method' })
      assertCardUsable(card, now)
    },
  )
  let result: AcquirerResult
  try {
    result = await asCard(claimed.route).acquirer.authorise({
      reference: String(claimed.operation.id),
      amount: claimed.payment.amount,
      currency: claimed.payment.currency,
      card,
      capture: claimed.payment.operationType === 'sale',
      shopper: { merchant: project.name, language: claimed.payment.languageCode },
    })
  } catch {
    // The acquirer may or may not have acted: a status query decides later, never a guess.
    return { payment: claimed.payment, operation: claimed.operation }
  }
  const saveCard = source.save?.(deps.clock.now())
  try {
    return await settleAttempt(deps, project, claimed.payment, claimed.operation, result, saveCard)
  } catch (error) {
    // The resolver settled this attempt first (a slow answer): report what is stored.
    if (error instanceof PaymentError && error.code === 'conflict') return { payment: (await deps.payments.get(paymentRowIdOf(paymentRowId))) ?? claimed.payment, operation: undefined }
    throw error
  }
}
