import { assertCardUsable } from './card-checks.ts'
import { PaymentError } from './errors.ts'
import { createGatePayment, type GatePaymentRequest } from './gate-payment.ts'
import { admitWithinLimits, type LimitStore } from './limits.ts'
import { maskPan, type Operation, type Payment } from './payment.ts'
import type { AcquirerResult, CardData, CardTokenRecord, Clock, Ids, PaymentStore, Project, ProviderRegistry } from './ports.ts'
import { cardRoute, projectScope } from './provider-routes.ts'
import { merchantInitiated } from './resolve-follow-ups.ts'
import { settleAttempt } from './settle-attempt.ts'
import { transition } from './transitions.ts'

/**
 * Charges a customer's saved card without the customer (`/v2/payment/card/recurring`): a new
 * payment with one `recurring` operation, captured at once.
 * Hint: there is no cardholder to pass 3-D Secure, so an acquirer asking for it declines the
 * charge (merchantInitiated) instead of leaving it waiting for nobody.
 */
export async function recurringCharge(
  deps: { payments: PaymentStore; providers: ProviderRegistry; clock: Clock; ids: Ids; limits: LimitStore },
  project: Project,
  request: Omit<GatePaymentRequest, 'type' | 'operationType' | 'returnUrl'>,
  saved: { record: CardTokenRecord; card: CardData },
): Promise<{ payment: Payment; operation: Operation }> {
  const now = deps.clock.now()
  assertCardUsable(saved.card, now)
  const route = await cardRoute(deps.providers, projectScope(project))
  const release = await admitWithinLimits(deps.limits, { projectId: project.id, operation: 'recurring', currency: request.currency, amount: request.amount, now })
  let payment: Payment
  try {
    payment = await createGatePayment(deps, project, { ...request, type: 'purchase', operationType: 'sale', returnUrl: undefined }, 'card')
  } catch (error) {
    await release()
    throw error
  }
  const operation: Operation = {
    id: deps.ids.operation(),
    paymentRowId: payment.id,
    type: 'recurring',
    status: 'processing',
    amount: payment.amount,
    currency: payment.currency,
    requestId: deps.ids.request(),
    provider: { id: route.providerId, paymentId: undefined, authCode: undefined },
    code: undefined,
    message: undefined,
    method: 'card',
    cardMask: maskPan(saved.card.pan),
    cardBrand: saved.record.brand,
    accountToken: saved.record.token,
    redirect: undefined,
    returnedAt: undefined,
    createdAt: now,
    updatedAt: now,
  }
  const claimed = await deps.payments.apply({ payment: transition(payment, 'pay', now), expectedVersion: payment.version, insertOperation: operation })
  let result: AcquirerResult
  try {
    result = await route.acquirer.authorise({
      reference: String(operation.id), amount: payment.amount, currency: payment.currency, card: saved.card, capture: true,
      shopper: { merchant: project.name, language: undefined }, storedCard: { token: saved.record.token },
    })
  } catch {
    // Unknown outcome: the follow-up resolver asks the acquirer's records later.
    return { payment: claimed, operation }
  }
  try {
    return await settleAttempt(deps, project, claimed, operation, merchantInitiated(result))
  } catch (error) {
    if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
    return { payment: (await deps.payments.get(payment.id)) ?? claimed, operation: await storedOperation(deps, operation) }
  }
}

async function storedOperation(deps: { payments: PaymentStore }, operation: Operation): Promise<Operation> {
  return (await deps.payments.findOperation(operation.id))?.operation ?? operation
}
