import * as v from 'valibot'
import { CurrencySchema, MinorAmountSchema } from '../money.ts'
import { OperationStatusSchema, PaymentStatusSchema } from './statuses.ts'

/**
 * The hosted page's own API (`/api/page/…`, Bearer session token). Both the server and the
 * page validate with these schemas, so they are the contract, not either side's types.
 */

export const LANGUAGES = ['en', 'ru'] as const
export const LanguageSchema = v.picklist(LANGUAGES)
export type Language = v.InferOutput<typeof LanguageSchema>

/** The latest attempt's outcome, as far as the shopper may see it. */
export const AttemptViewSchema = v.object({
  status: OperationStatusSchema,
  code: v.optional(v.string()),
  message: v.optional(v.string()),
  /** Masked card of the attempt, e.g. `424242******4242`. */
  card: v.optional(v.string()),
})
export type AttemptView = v.InferOutput<typeof AttemptViewSchema>

/** Where the payment stands; the page renders from this alone. */
export const PaymentStateSchema = v.object({
  status: PaymentStatusSchema,
  attempts_left: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  last_attempt: v.optional(AttemptViewSchema),
  /** Where the shopper goes after a result, from the signed, stored payment only. */
  return_url: v.optional(v.string()),
})
export type PaymentState = v.InferOutput<typeof PaymentStateSchema>

/** `GET /api/page/session`: everything the page shows. Merchant strings are text, never HTML. */
export const SessionViewSchema = v.object({
  payment: v.object({
    id: v.string(),
    amount: MinorAmountSchema,
    currency: CurrencySchema,
    description: v.optional(v.string()),
  }),
  merchant: v.object({ name: v.string() }),
  test_mode: v.boolean(),
  /** Set only when the merchant signed `language_code`; else the page uses the browser's. */
  language: v.optional(LanguageSchema),
  /** Exact origin of the embedding merchant page, when framed by the widget. */
  parent_origin: v.optional(v.string()),
  /** Echoed from the widget so it can tell two widgets on one page apart. */
  guid: v.optional(v.string()),
  state: PaymentStateSchema,
})
export type SessionView = v.InferOutput<typeof SessionViewSchema>

const digits = (min: number, max: number, message: string) =>
  v.pipe(v.string(), v.regex(new RegExp(`^\\d{${min},${max}}$`), message))

/** `POST /api/page/pay` body. Card data travels only here, in a POST body to EPay's origin. */
export const PayBodySchema = v.object({
  method: v.literal('card'),
  card: v.object({
    pan: digits(12, 19, 'card number must be 12–19 digits'),
    exp_month: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(12)),
    exp_year: v.pipe(v.number(), v.safeInteger(), v.minValue(2000), v.maxValue(2100)),
    cvc: digits(3, 4, 'CVC must be 3 or 4 digits'),
    holder: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
  }),
})
export type PayBody = v.InferOutput<typeof PayBodySchema>
