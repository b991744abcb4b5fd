import * as v from 'valibot'
import { CurrencySchema } from '../money.ts'

/**
 * Parameters of `GET|POST /payment` after the signature was verified (SPEC §4). They arrive as
 * strings; this schema turns them into typed values with stable error messages naming the key.
 */

const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.maxLength(max)))
/** ISO 3166-1 alpha-2, the customer's address country (ECommPay's `customer_country`, `billing_country`). */
const country = v.optional(v.pipe(v.string(), v.toUpperCase(), v.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code')))
const url = v.optional(v.pipe(v.string(), v.maxLength(2048), v.url('must be an absolute URL')))

export const PaymentPageParamsSchema = v.looseObject({
  project_id: v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/, 'must be a positive integer'), v.transform(Number)),
  payment_id: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(255)),
  payment_amount: v.pipe(
    v.string(),
    v.regex(/^[1-9]\d{0,15}$/, 'must be a positive integer in minor units'),
    v.transform(Number),
    v.safeInteger('is too large'),
  ),
  payment_currency: v.pipe(v.string(), v.toUpperCase(), CurrencySchema),
  payment_description: optionalText(1000),
  customer_id: optionalText(255),
  customer_email: optionalText(255),
  customer_first_name: optionalText(255),
  customer_last_name: optionalText(255),
  customer_phone: optionalText(64),
  customer_country: country,
  billing_country: country,
  language_code: optionalText(16),
  operation_type: v.optional(v.picklist(['sale', 'auth'], 'must be sale or auth')),
  card_operation_type: v.optional(v.picklist(['sale', 'auth'], 'must be sale or auth')),
  mode: v.optional(v.picklist(['purchase', 'card_verify', 'card_tokenize', 'payout'])),
  force_payment_method: optionalText(64),
  best_before: v.optional(
    v.pipe(
      v.string(),
      v.check((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 date'),
      v.transform((s) => new Date(s)),
    ),
  ),
  merchant_success_url: url,
  merchant_fail_url: url,
  merchant_return_url: url,
  redirect_success_url: url,
  redirect_fail_url: url,
  merchant_callback_url: url,
  recurring_register: v.optional(v.picklist(['1', '0', 'true', 'false'], 'must be 1, 0, true or false')),
  redirect_success_mode: v.optional(v.picklist(['parent_page', 'iframe'])),
  redirect_fail_mode: v.optional(v.picklist(['parent_page', 'iframe'])),
  /** A JSON object checked against ThemeSchema (page-api.ts) by the server. */
  theme: optionalText(500),
})
export type PaymentPageParams = v.InferOutput<typeof PaymentPageParamsSchema>
