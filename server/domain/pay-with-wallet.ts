import type { AcquirerResult, Clock, Ids, PaymentStore, Project, ProviderRegistry } from './ports.ts'
import { asWallet } from './provider-routes.ts'
import { settleAttempt, type Attempted } from './settle-attempt.ts'
import { startAttempt, type PaymentRef } from './start-attempt.ts'
import { PaymentError } from './errors.ts'
import { methodsFor } from './payment-options.ts'

/**
 * Starts a wallet attempt: claims the payment and asks the wallet for the page the shopper
 * approves on; the payment waits in `awaiting redirect result` until the wallet reports.
 */
export async function payWithWallet(
  deps: { payments: PaymentStore; clock: Clock; ids: Ids; providers: ProviderRegistry },
  project: Project,
  paymentRowId: PaymentRef,
  method: 'jeton',
  returnUrl: (operationId: number) => Promise<string>,
): Promise<Attempted> {
  const claimed = await startAttempt(deps, project, paymentRowId, { method, cardMask: undefined, cardBrand: undefined, accountToken: undefined }, (payment, _now, route) => {
    asWallet(route)
    if (!methodsFor(payment, project.methods).includes(method)) throw new PaymentError('validation_failed', 'Jeton Wallet is not available for this payment', { param: 'method' })
  })
  let result: AcquirerResult
  try {
    result = await asWallet(claimed.route).wallet.start({
      reference: String(claimed.operation.id),
      amount: claimed.payment.amount,
      currency: claimed.payment.currency,
      returnUrl: await returnUrl(claimed.operation.id),
      shopper: { merchant: project.name, language: claimed.payment.languageCode },
    })
  } catch {
    return { payment: claimed.payment, operation: claimed.operation }
  }
  return settleAttempt(deps, project, claimed.payment, claimed.operation, result)
}
