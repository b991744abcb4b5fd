import type { PaymentPageParams } from '../../protocol/schemas/payment-page.ts'
import { PaymentError } from './errors.ts'
import type { Payment } from './payment.ts'
import type { Clock, Ids, PaymentStore, Project, ProviderRegistry } from './ports.ts'
import { paymentScope, projectScope, requireServedMethod } from './provider-routes.ts'
import { checkReturnUrl } from './return-url.ts'
import { assertNotSuspended } from './suspension.ts'
import { methodsFor, paymentOptions } from './payment-options.ts'
import { admitWithinLimits, admitsWithoutReserving, type LimitStore } from './limits.ts'

/** How many card attempts a payment allows before the page stops offering a retry (SPEC §6). */
export const DEFAULT_MAX_ATTEMPTS = 3

/**
 * Opens the payment a signed Payment Page request describes: creates it, or reopens the one
 * stored under the same `(project_id, payment_id)` so a reload never creates a second payment.
 * Hint: a reopen with another amount or currency is refused, so a leaked payment id cannot be
 * re-signed into a different charge by mistake.
 * Hint: when creating would need no check that depends on whether the payment exists — a
 * best_before still ahead, a method served, no daily or monthly total to reserve, the amount
 * within min/max — one statement creates or finds it. Otherwise the payment is looked up first,
 * so a reopen is never refused for a quota or a rule that only binds new payments.
 */
export async function openPayment(
  deps: { payments: PaymentStore; clock: Clock; ids: Ids; providers: ProviderRegistry; limits?: LimitStore },
  project: Project,
  params: PaymentPageParams,
  raw: Record<string, string>,
): Promise<Payment> {
  assertNotSuspended(project)
  const now = deps.clock.now()
  if (params.mode !== undefined && params.mode !== 'purchase') {
    throw new PaymentError('validation_failed', `mode "${params.mode}" is not supported`, { param: 'mode' })
  }
  for (const key of RETURN_URL_KEYS) checkReturnUrl(params[key], key, project)
  const options = paymentOptions(params)
  const operation = params.operation_type ?? params.card_operation_type ?? 'sale'
  const candidate = (): Payment => ({
    id: deps.ids.payment(),
    projectId: project.id,
    paymentId: params.payment_id,
    type: 'purchase',
    operationType: operation,
    amount: params.payment_amount,
    currency: params.payment_currency,
    description: params.payment_description,
    customerId: params.customer_id,
    languageCode: params.language_code,
    status: 'new',
    attempts: 0,
    maxAttempts: DEFAULT_MAX_ATTEMPTS,
    bestBefore: params.best_before,
    callbackUrl: params.merchant_callback_url,
    successUrl: params.redirect_success_url ?? params.merchant_success_url,
    failUrl: params.redirect_fail_url ?? params.merchant_fail_url,
    returnUrl: params.merchant_return_url,
    params: raw,
    ...options,
    test: project.testMode,
    channel: 'page',
    version: 0,
    createdAt: now,
    updatedAt: now,
  })
  const candidates = methodsFor({ forceMethod: options.forceMethod, amount: params.payment_amount, currency: params.payment_currency })
  const served = await requireServedMethod(deps.providers, projectScope(project), candidates).then(() => true, () => false)
  const limitsFree = !deps.limits || await admitsWithoutReserving(deps.limits, { projectId: project.id, operation, currency: params.payment_currency, amount: params.payment_amount })
  if (served && limitsFree && !(params.best_before && params.best_before.getTime() <= now.getTime())) {
    const { payment, created } = await deps.payments.createOrGet(candidate())
    return created ? reopen(payment, params, now) : reopenExisting(deps, payment, params, now)
  }

  const existing = await deps.payments.findByMerchantId(project.id, params.payment_id)
  if (existing) return reopenExisting(deps, existing, params, now)
  if (params.best_before && params.best_before.getTime() <= now.getTime()) {
    throw new PaymentError('payment_expired', 'the payment link has expired', { param: 'best_before' })
  }
  await requireServedMethod(deps.providers, projectScope(project), candidates)

  const release = deps.limits
    ? await admitWithinLimits(deps.limits, { projectId: project.id, operation, currency: params.payment_currency, amount: params.payment_amount, now })
    : async () => undefined
  let created = false
  let stored: Payment
  try {
    ;({ payment: stored, created } = await deps.payments.createOrGet(candidate()))
  } finally {
    // A concurrent open won the insert (or it failed): this request used none of the day's quota.
    if (!created) await release()
  }
  // A concurrent open may have won the insert; it must still describe the same charge.
  return created ? reopen(stored, params, now) : reopenExisting(deps, stored, params, now)
}

async function reopenExisting(deps: { providers: ProviderRegistry }, existing: Payment, params: PaymentPageParams, now: Date): Promise<Payment> {
  const reopened = reopen(existing, params, now)
  // A paid payment still shows its result; one the shopper could still pay needs a provider.
  if (reopened.status === 'new' || reopened.status === 'decline') await requireServedMethod(deps.providers, paymentScope(reopened), methodsFor(reopened))
  return reopened
}

const RETURN_URL_KEYS = [
  'merchant_success_url', 'merchant_fail_url', 'merchant_return_url', 'redirect_success_url', 'redirect_fail_url',
] as const

function reopen(payment: Payment, params: PaymentPageParams, now: Date): Payment {
  if (payment.amount !== params.payment_amount || payment.currency !== params.payment_currency) {
    throw new PaymentError('payment_mismatch', 'a payment with this id exists with another amount or currency', {
      param: 'payment_id',
    })
  }
  // An unpaid payment past its best_before cannot be paid any more; a paid one still shows its result.
  const unpaid = payment.status === 'new' || payment.status === 'decline' || payment.status === 'expired'
  if (unpaid && (payment.status === 'expired' || (payment.bestBefore && payment.bestBefore.getTime() <= now.getTime()))) {
    throw new PaymentError('payment_expired', 'the payment link has expired', { param: 'best_before' })
  }
  return payment
}
