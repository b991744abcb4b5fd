import { assertCardUsable } from './card-checks.ts'
import { createGatePayment, type GatePaymentRequest } from './gate-payment.ts'
import { admitWithinLimits, type LimitStore } from './limits.ts'
import type { Operation, Payment } from './payment.ts'
import { payWithCard, type PayDeps } from './pay-with-card.ts'
import type { CardData, Project } from './ports.ts'
import { cardRoute, projectScope } from './provider-routes.ts'
import { checkReturnUrl } from './return-url.ts'
import { PaymentError } from './errors.ts'

/**
 * A one- or two-stage card payment through the Gate with card data the merchant collected
 * (`/v2/payment/card/sale|auth`), or a saved card's token: creates the payment, then runs the
 * same card attempt as the payment page. A 3-D Secure challenge leaves the payment
 * `awaiting 3ds result`, its ACS address given to the merchant as `redirect_data`.
 * Hint: card data is checked before anything is created, and never stored (SPEC §7).
 */
export async function gateCardPayment(
  deps: PayDeps & { limits: LimitStore },
  project: Project,
  request: Omit<GatePaymentRequest, 'type'>,
  card: CardData,
  accountToken: string | undefined,
): Promise<{ payment: Payment; operation: Operation }> {
  const now = deps.clock.now()
  assertCardUsable(card, now)
  checkReturnUrl(request.returnUrl, 'return_url', project)
  checkReturnUrl(request.successUrl, 'return_url.success', project)
  checkReturnUrl(request.failUrl, 'return_url.decline', project)
  // Refused before the payment exists: a live project without a card connection creates nothing.
  await cardRoute(deps.providers, projectScope(project))
  const release = await admitWithinLimits(deps.limits, { projectId: project.id, operation: request.operationType, currency: request.currency, amount: request.amount, now })
  let payment: Payment
  try {
    payment = await createGatePayment(deps, project, { ...request, type: 'purchase' }, 'card')
  } catch (error) {
    await release()
    throw error
  }
  const paid = await payWithCard(deps, project, payment.id, card, accountToken ? { accountToken } : {})
  // Settled by another writer first: what is stored now is the answer.
  const operation = paid.operation ?? (await deps.payments.operations(paid.payment.id)).find((op) => op.type === 'sale' || op.type === 'auth')
  if (!operation) throw new PaymentError('internal_error', 'the card attempt was not recorded')
  return { payment: paid.payment, operation }
}
