import type * as v from 'valibot'
import type { CustomerSchema, GeneralSchema, PaymentAmountSchema, ReturnUrl } from '../../../../protocol/schemas/gate.ts'
import type { GatePaymentRequest } from '../../../domain/gate-payment.ts'

/** The parts every payment-creating Gate request shares. */
type GateBody = {
  general: v.InferOutput<typeof GeneralSchema>
  payment: v.InferOutput<typeof PaymentAmountSchema>
  customer?: v.InferOutput<typeof CustomerSchema> | undefined
}

/**
 * The payment fields of a Gate request, for the use cases. `params` keeps non-secret request
 * facts for audit; card data never goes there.
 */
export function gatePaymentFields(body: GateBody): Omit<GatePaymentRequest, 'type' | 'operationType' | 'returnUrl' | 'successUrl' | 'failUrl'> {
  const params: Record<string, string> = { source: 'gate' }
  if (body.customer?.ip_address) params['customer_ip_address'] = body.customer.ip_address
  if (body.customer?.country) params['customer_country'] = body.customer.country
  return {
    paymentId: body.general.payment_id,
    amount: body.payment.amount,
    currency: body.payment.currency,
    description: body.payment.description,
    customerId: body.customer?.id,
    callbackUrl: body.general.merchant_callback_url,
    params,
  }
}

/** `return_url` as one URL or as ECommPay's `{success, decline}` object, for the use cases. */
export function gateReturnUrls(returnUrl: ReturnUrl | undefined): Pick<GatePaymentRequest, 'returnUrl' | 'successUrl' | 'failUrl'> {
  if (returnUrl === undefined || typeof returnUrl === 'string') return { returnUrl }
  return { returnUrl: undefined, successUrl: returnUrl.success, failUrl: returnUrl.decline }
}
