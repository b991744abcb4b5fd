import { PaymentError } from './errors.ts'
import { createGatePayment, type GatePaymentRequest } from './gate-payment.ts'
import { admitWithinLimits, type LimitStore } from './limits.ts'
import type { Operation, Payment } from './payment.ts'
import { payWithWallet } from './pay-with-wallet.ts'
import { jetonAccepts } from './payment-options.ts'
import type { Clock, Ids, PaymentStore, Project, ProviderRegistry } from './ports.ts'
import { projectScope, walletRoute } from './provider-routes.ts'
import { checkReturnUrl } from './return-url.ts'

/**
 * A wallet sale started through the Gate (`/v2/payment/wallet/jeton/sale`): creates the payment
 * and starts the same wallet attempt as the payment page; the payment waits in
 * `awaiting redirect result` until the wallet reports, and the merchant gets `redirect_data`.
 */
export async function gateWalletPayment(
  deps: { payments: PaymentStore; clock: Clock; ids: Ids; providers: ProviderRegistry; limits: LimitStore },
  project: Project,
  method: 'jeton',
  request: Omit<GatePaymentRequest, 'type' | 'operationType'>,
  walletReturnUrl: (payment: Payment, operationId: number) => Promise<string>,
): Promise<{ payment: Payment; operation: Operation }> {
  checkReturnUrl(request.returnUrl, 'return_url', project)
  checkReturnUrl(request.successUrl, 'return_url.success', project)
  checkReturnUrl(request.failUrl, 'return_url.decline', project)
  await walletRoute(deps.providers, projectScope(project), method)
  if (!jetonAccepts(request.amount, request.currency)) {
    throw new PaymentError('validation_failed', 'Jeton Wallet does not accept this amount or currency', { param: 'payment.amount' })
  }
  const release = await admitWithinLimits(deps.limits, { projectId: project.id, operation: 'sale', currency: request.currency, amount: request.amount, now: deps.clock.now() })
  let payment: Payment
  try {
    payment = await createGatePayment(deps, project, { ...request, type: 'purchase', operationType: 'sale' }, method)
  } catch (error) {
    await release()
    throw error
  }
  return payWithWallet(deps, project, payment.id, method, (operationId) => walletReturnUrl(payment, operationId))
}
