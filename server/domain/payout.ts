import type { Currency } from '../../protocol/money.ts'
import { cardBrand } from './card-brand.ts'
import { assertCardUsable } from './card-checks.ts'
import { DECLINES } from './decline-codes.ts'
import { PaymentError, assertNever } from './errors.ts'
import { askAndSettle, callbackFor, claimFollowUp, followUpOperation, type FollowUpDeps } from './follow-up.ts'
import { createGatePayment } from './gate-payment.ts'
import { payoutHoldPostings } from './ledger.ts'
import { admitWithinLimits, type LimitStore } from './limits.ts'
import { maskPan, type Operation, type Payment } from './payment.ts'
import { jetonAccepts } from './payment-options.ts'
import type { CardData, MethodRoute, PaymentChange, Project, ProviderAnswer } from './ports.ts'
import { asCard, asWallet, projectScope } from './provider-routes.ts'
import { transition } from './transitions.ts'

/** Where a payout goes: a Jeton wallet account, or a card (typed or saved). */
export type PayoutDestination =
  | { method: 'jeton'; account: string }
  | { method: 'card'; card: CardData; accountToken: string | undefined }

/** A payout as the merchant asks for it. */
export type PayoutRequest = {
  paymentId: string
  amount: number
  currency: Currency
  description: string | undefined
  customerId: string | undefined
  callbackUrl: string | undefined
  destination: PayoutDestination
  params: Record<string, string>
}

/**
 * Pays money out of the merchant's balance (SPEC §6, §7): a payout above the balance is
 * declined with 3028 "Insufficient funds on merchant balance" and reported by callback.
 * Hint: the balance check and the hold of the amount are one transaction under the
 * project-and-currency balance lock, before the provider is asked; a decline gives the hold
 * back. So concurrent payouts can never take the balance below zero.
 */
export async function payout(deps: FollowUpDeps & { limits: LimitStore }, project: Project, request: PayoutRequest): Promise<{ payment: Payment; operation: Operation }> {
  const { destination, amount, currency } = request
  const now = deps.clock.now()
  if (destination.method === 'jeton' && !jetonAccepts(amount, currency)) {
    throw new PaymentError('validation_failed', 'Jeton Wallet does not accept this amount or currency', { param: 'payment.amount' })
  }
  if (destination.method === 'card') assertCardUsable(destination.card, now)
  // Refused before the payment exists: a live project without a connection creates nothing.
  const send = payoutSender(await deps.providers.route(projectScope(project), destination.method), request)
  const release = await admitWithinLimits(deps.limits, { projectId: project.id, operation: 'payout', currency, amount, now })
  let payment: Payment
  try {
    payment = await createGatePayment(deps, project, { ...request, type: 'payout', operationType: 'sale', returnUrl: undefined }, destination.method)
  } catch (error) {
    await release()
    throw error
  }
  const operation = followUpOperation(deps, payment, 'payout', amount, destination.method === 'jeton'
    // The wallet account paid out to is the merchant's own data: callbacks report it (account.number).
    ? { method: destination.method, cardMask: destination.account, cardBrand: undefined, accountToken: undefined, provider: { id: send.providerId, paymentId: undefined, authCode: undefined } }
    : { method: 'card', cardMask: maskPan(destination.card.pan), cardBrand: cardBrand(destination.card.pan), accountToken: destination.accountToken, provider: { id: send.providerId, paymentId: undefined, authCode: undefined } })
  const processing = transition(payment, 'pay', now)
  let claimed: Payment
  try {
    claimed = await claimFollowUp(deps, payment, operation, { payment: processing, postings: payoutHoldPostings(amount), requireBalance: amount })
  } catch (error) {
    if (error instanceof PaymentError && error.code === 'insufficient_balance') return declineForBalance(deps, project, payment, processing, operation)
    throw error
  }
  return askAndSettle(deps, project, claimed, operation, () => send.payout(String(operation.id)))
}

// The destination's provider, narrowed before anything is written: a card payout never reaches a wallet.
function payoutSender(route: MethodRoute, request: PayoutRequest): { providerId: string; payout(reference: string): Promise<ProviderAnswer> } {
  const { destination, amount, currency } = request
  switch (destination.method) {
    case 'jeton': {
      const { providerId, operations } = asWallet(route)
      return { providerId, payout: (reference) => operations.payout({ reference, amount, currency, account: destination.account }) }
    }
    case 'card': {
      const { providerId, operations } = asCard(route)
      return { providerId, payout: (reference) => operations.payout({ reference, amount, currency, card: destination.card }) }
    }
    default:
      return assertNever(destination, 'payout destination')
  }
}

// Nothing was held, so nothing is posted: the operation is recorded as declined and reported.
async function declineForBalance(
  deps: FollowUpDeps,
  project: Project,
  payment: Payment,
  processing: Payment,
  operation: Operation,
): Promise<{ payment: Payment; operation: Operation }> {
  const declined: Operation = { ...operation, status: 'decline', ...DECLINES.insufficientBalance }
  const next = transition(processing, 'decline', deps.clock.now())
  const change: PaymentChange = { payment: next, expectedVersion: payment.version, insertOperation: declined }
  const callback = callbackFor(deps, project, next, declined)
  if (callback) change.callback = callback
  return { payment: await deps.payments.apply(change), operation: declined }
}
