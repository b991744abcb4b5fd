import type { Currency } from '../../protocol/money.ts'
import { PaymentError } from './errors.ts'
import type { Payment } from './payment.ts'
import type { Clock, Ids, PaymentStore, Project } from './ports.ts'
import { assertNotSuspended } from './suspension.ts'

/** What a Gate request says about the payment it creates. */
export type GatePaymentRequest = {
  paymentId: string
  type: 'purchase' | 'payout'
  operationType: 'sale' | 'auth'
  amount: number
  currency: Currency
  description: string | undefined
  customerId: string | undefined
  callbackUrl: string | undefined
  /** Where a shopper sent to 3-D Secure or a wallet comes back to. */
  returnUrl: string | undefined
  /** ECommPay's `return_url.success` / `.decline`: where the shopper lands after each result. */
  successUrl?: string | undefined
  failUrl?: string | undefined
  /** Non-secret request facts kept for audit (never card data). */
  params: Record<string, string>
}

/**
 * Creates the payment a Gate request describes, with one attempt.
 * Hint: unlike the payment page, a Gate call never reopens a payment by its id — a used
 * `payment_id` is refused with `payment_exists`; `Idempotency-Key` is how a merchant retries.
 */
export async function createGatePayment(
  deps: { payments: PaymentStore; clock: Clock; ids: Ids },
  project: Project,
  request: GatePaymentRequest,
  method: string,
): Promise<Payment> {
  assertNotSuspended(project)
  const now = deps.clock.now()
  const { payment, created } = await deps.payments.createOrGet({
    id: deps.ids.payment(),
    projectId: project.id,
    paymentId: request.paymentId,
    type: request.type,
    operationType: request.operationType,
    amount: request.amount,
    currency: request.currency,
    description: request.description,
    customerId: request.customerId,
    languageCode: undefined,
    status: 'new',
    attempts: 0,
    maxAttempts: 1,
    bestBefore: undefined,
    callbackUrl: request.callbackUrl,
    successUrl: request.successUrl ?? request.returnUrl,
    failUrl: request.failUrl ?? request.returnUrl,
    returnUrl: request.returnUrl,
    // The method is kept so that a payment left unstarted by a crash is declined as the method it was for.
    params: { ...request.params, method },
    saveCard: 'never',
    forceMethod: undefined,
    theme: undefined,
    returnMode: undefined,
    test: project.testMode,
    channel: 'gate',
    version: 0,
    createdAt: now,
    updatedAt: now,
  })
  if (!created) throw new PaymentError('payment_exists', `a payment with id "${request.paymentId}" already exists`, { param: 'general.payment_id' })
  return payment
}

/** Finds a project's payment by the merchant's id, or throws `payment_not_found`. */
export async function merchantPayment(deps: { payments: PaymentStore }, project: Project, paymentId: string): Promise<Payment> {
  const payment = await deps.payments.findByMerchantId(project.id, paymentId)
  if (!payment) throw new PaymentError('payment_not_found', `payment "${paymentId}" not found`, { param: 'general.payment_id' })
  return payment
}
