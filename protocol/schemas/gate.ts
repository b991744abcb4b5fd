import * as v from 'valibot'
import { CurrencySchema, MinorAmountSchema } from '../money.ts'
import { OperationStatusSchema, OperationTypeSchema } from './statuses.ts'

/**
 * Gate API requests (SPEC §9): signed JSON, ECommPay shapes. The signature in
 * `general.signature` is verified before these schemas run; unknown keys are dropped, so an
 * unsigned or unexpected value can never reach the use cases.
 */

const text = (max: number) => v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(max, `must be at most ${max} characters`))
const digits = (min: number, max: number, what: string) => v.pipe(v.string(), v.regex(new RegExp(`^\\d{${min},${max}}$`), `must be ${min}–${max} digits`), v.description(what))
const url = v.pipe(v.string(), v.maxLength(2048), v.url('must be an absolute URL'))
const webUrl = v.pipe(v.string(), v.maxLength(2048), v.regex(/^https?:\/\//i, 'must be an http(s) URL'), v.url('must be an absolute URL'))

/**
 * Where the shopper lands after 3-D Secure or the wallet: one URL, or ECommPay's
 * `{"success": …, "decline": …}` (the Jeton documentation's form).
 * Hint: the string must be http(s) and the object strict, so `{"return_url": {"success": "x"}}`
 * and `{"return_url": "success:x"}` — which sign alike — are never both accepted.
 */
export const ReturnUrlSchema = v.union([
  webUrl,
  v.pipe(
    v.strictObject({ success: v.optional(webUrl), decline: v.optional(webUrl) }),
    v.check((o) => o.success !== undefined || o.decline !== undefined, 'give success, decline or both'),
  ),
])
export type ReturnUrl = v.InferOutput<typeof ReturnUrlSchema>

/** `general` of requests about one payment. */
export const GeneralSchema = v.object({
  /** A number, or a string of digits: the SDKs send either. */
  project_id: v.union([
    v.pipe(v.number(), v.safeInteger('must be an integer'), v.minValue(1, 'must be positive')),
    v.pipe(v.string(), v.regex(/^[1-9]\d{0,14}$/, 'must be a positive integer'), v.transform(Number)),
  ]),
  payment_id: text(255),
  signature: v.string(),
  /** Overrides the project's callback URL for this payment. */
  merchant_callback_url: v.optional(url),
})

/** `general` of requests about no payment in particular (tokens, lists, balance). */
export const ProjectGeneralSchema = v.object({
  project_id: GeneralSchema.entries.project_id,
  signature: v.string(),
})

/** The money of a new payment or payout. */
export const PaymentAmountSchema = v.object({
  amount: MinorAmountSchema,
  currency: CurrencySchema,
  description: v.optional(text(1000)),
})

/** For capture and refund: without an amount, everything that is left. */
export const PartialAmountSchema = v.object({
  amount: v.optional(MinorAmountSchema),
  currency: v.optional(CurrencySchema),
  description: v.optional(text(1000)),
})

/** The shopper, as the merchant knows them. */
export const CustomerSchema = v.object({
  id: v.optional(text(255)),
  ip_address: v.optional(text(45)),
  /** ISO 3166-1 alpha-2 of the customer's address: the payment's country until a card tells its issuer's. */
  country: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code (capitals)'))),
})

const expiry = {
  year: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(2000, 'must be a four-digit year'), v.maxValue(2099, 'must be a four-digit year')),
  month: v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be 1–12'), v.maxValue(12, 'must be 1–12')),
  card_holder: v.optional(v.pipe(v.string(), v.maxLength(255))),
}

/** Card data a merchant collected itself; never stored, never logged (SPEC §7). */
export const CardSchema = v.object({ pan: digits(12, 19, 'card number'), ...expiry, cvv: digits(3, 4, 'card security code') })

/** Card data for saving or paying out to: no CVC, which is never stored. */
export const CardWithoutCvvSchema = v.object({ pan: digits(12, 19, 'card number'), ...expiry })

const CARD_OR_TOKEN = 'give either card or account_token'

/** `/v2/payment/card/sale` and `/v2/payment/card/auth`: a typed card or a saved card's token. */
export const CardPaymentRequestSchema = v.pipe(
  v.object({
    general: GeneralSchema,
    payment: PaymentAmountSchema,
    customer: v.optional(CustomerSchema),
    card: v.optional(CardSchema),
    account_token: v.optional(text(64)),
    /** Where the shopper returns to after 3-D Secure; on the project's allowed hosts. */
    return_url: v.optional(ReturnUrlSchema),
  }),
  v.check((body) => (body.card === undefined) !== (body.account_token === undefined), CARD_OR_TOKEN),
)
export type CardPaymentRequest = v.InferOutput<typeof CardPaymentRequestSchema>

/** `/v2/payment/card/recurring`: charge a saved card without the customer. */
export const RecurringRequestSchema = v.object({
  general: GeneralSchema,
  payment: PaymentAmountSchema,
  customer: v.object({ id: text(255), ip_address: v.optional(text(45)) }),
  account_token: text(64),
})
export type RecurringRequest = v.InferOutput<typeof RecurringRequestSchema>

/** `/v2/payment/card/capture`, `/v2/payment/card/refund`, `/v2/payment/refund`. */
export const FollowUpRequestSchema = v.object({ general: GeneralSchema, payment: v.optional(PartialAmountSchema) })
export type FollowUpRequest = v.InferOutput<typeof FollowUpRequestSchema>

/** `/v2/payment/card/cancel` and `/v2/payment/status`: the payment alone. */
export const PaymentRefRequestSchema = v.object({ general: GeneralSchema })
export type PaymentRefRequest = v.InferOutput<typeof PaymentRefRequestSchema>

/** `/v2/payment/wallet/jeton/payout`. */
export const WalletPayoutRequestSchema = v.object({
  general: GeneralSchema,
  payment: PaymentAmountSchema,
  customer: v.optional(CustomerSchema),
  account: v.object({ number: text(64) }),
})
export type WalletPayoutRequest = v.InferOutput<typeof WalletPayoutRequestSchema>

/** `/v2/payment/card/payout`: to a typed card or a saved card's token. */
export const CardPayoutRequestSchema = v.pipe(
  v.object({
    general: GeneralSchema,
    payment: PaymentAmountSchema,
    customer: v.optional(CustomerSchema),
    card: v.optional(CardWithoutCvvSchema),
    account_token: v.optional(text(64)),
  }),
  v.check((body) => (body.card === undefined) !== (body.account_token === undefined), CARD_OR_TOKEN),
)
export type CardPayoutRequest = v.InferOutput<typeof CardPayoutRequestSchema>

/** `/v2/token/card/create`. */
export const TokenCreateRequestSchema = v.object({
  general: ProjectGeneralSchema,
  customer: v.object({ id: text(255) }),
  card: CardWithoutCvvSchema,
})
export type TokenCreateRequest = v.InferOutput<typeof TokenCreateRequestSchema>

/** `/v2/token/card/list`. */
export const TokenListRequestSchema = v.object({ general: ProjectGeneralSchema, customer: v.object({ id: text(255) }) })

/** `/v2/token/card/delete`. */
export const TokenDeleteRequestSchema = v.object({ general: ProjectGeneralSchema, customer: v.object({ id: text(255) }), token: text(64) })

/** A date filter: ISO 8601 or ECommPay's `2019-04-15T16:31:44+0000`; a bare date is midnight UTC. */
export const DateFilterSchema = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/, 'must be an ISO 8601 date or date-time with a zone'),
  v.transform((s) => new Date(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))),
  v.check((d) => !Number.isNaN(d.getTime()), 'is not a valid date'),
)

/** `/v2/operations/get`: filters, newest first, `cursor` from the previous page's `next_cursor`. */
export const OperationsRequestSchema = v.object({
  general: ProjectGeneralSchema,
  date_from: v.optional(DateFilterSchema),
  date_to: v.optional(DateFilterSchema),
  status: v.optional(v.array(OperationStatusSchema)),
  type: v.optional(v.array(OperationTypeSchema)),
  method: v.optional(v.array(text(32))),
  customer_id: v.optional(text(255)),
  payment_id: v.optional(text(255)),
  cursor: v.optional(text(200)),
  limit: v.optional(v.pipe(v.number(), v.integer('must be an integer'), v.minValue(1, 'must be 1–100'), v.maxValue(100, 'must be 1–100')), 20),
})
export type OperationsRequest = v.InferOutput<typeof OperationsRequestSchema>

/** `/v2/balance`: one currency, or every currency the project has a balance in. */
export const BalanceRequestSchema = v.object({ general: ProjectGeneralSchema, currency: v.optional(CurrencySchema) })

/** `/v2/payment/wallet/jeton/sale`: the shopper approves on the wallet's page (`redirect_data`). */
export const WalletSaleRequestSchema = v.object({
  general: GeneralSchema,
  payment: PaymentAmountSchema,
  customer: v.optional(CustomerSchema),
  return_url: v.optional(ReturnUrlSchema),
})
