import * as v from 'valibot'
import { LANGUAGES } from '../languages.ts'
import { CurrencySchema, MinorAmountSchema } from '../money.ts'
import { OperationStatusSchema, PaymentStatusSchema } from './statuses.ts'

/**
 * The hosted page's own API (`/api/page/…`, Bearer session token). Both the server and the
 * page validate with these schemas, so they are the contract, not either side's types.
 */

export { LANGUAGES } from '../languages.ts'
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

/**
 * A navigation the page must make to continue: to the 3-D Secure ACS or a wallet. ECommPay's
 * `redirect_data` shape. `body` is posted as form fields when `method` is POST.
 */
export const RedirectDataSchema = v.object({
  method: v.picklist(['GET', 'POST']),
  url: v.string(),
  body: v.record(v.string(), v.string()),
})
export type RedirectData = v.InferOutput<typeof RedirectDataSchema>

/** Where the payment stands; the page renders from this alone. */
export const PaymentStateSchema = v.object({
  status: PaymentStatusSchema,
  attempts_left: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  last_attempt: v.optional(AttemptViewSchema),
  /** Where the shopper goes after a result, from the signed, stored payment only. */
  return_url: v.optional(v.string()),
  /** `parent_page`: after a result the page sends the top window (not the frame) to `return_url`, at once. */
  return_mode: v.optional(v.literal('parent_page')),
  /** Present while `awaiting 3ds result` / `awaiting redirect result`: where to go next. */
  redirect_data: v.optional(RedirectDataSchema),
})
export type PaymentState = v.InferOutput<typeof PaymentStateSchema>

/** A card saved for the customer, shown masked; paying with it asks for the CVC again. */
export const SavedCardSchema = v.object({
  token: v.string(),
  /** `424242******4242` */
  mask: v.string(),
  brand: v.string(),
  exp_month: v.number(),
  exp_year: v.number(),
})
export type SavedCard = v.InferOutput<typeof SavedCardSchema>

/** `DELETE /api/page/saved-cards/:token`: the customer's cards that remain. */
export const SavedCardListSchema = v.object({ saved_cards: v.array(SavedCardSchema) })
export type SavedCardList = v.InferOutput<typeof SavedCardListSchema>

const HEX_COLOUR = v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour'))

/**
 * The merchant's appearance settings (signed `theme` parameter, a JSON object), applied as CSS
 * variables. Only these keys and formats exist: no merchant CSS or script reaches the page.
 */
export const ThemeSchema = v.strictObject({
  accent: v.optional(HEX_COLOUR),
  background: v.optional(HEX_COLOUR),
  text: v.optional(HEX_COLOUR),
  radius: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(24))),
  font: v.optional(v.picklist(['system', 'serif', 'rounded', 'mono'])),
})
export type Theme = v.InferOutput<typeof ThemeSchema>

/** Payment methods the page can offer. */
export const PAGE_METHODS = ['card', 'jeton'] as const

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
  /** Methods offered, in order; one entry when the merchant forced a method. */
  methods: v.array(v.picklist(PAGE_METHODS)),
  /** The customer's saved cards (only with a signed `customer_id`). */
  saved_cards: v.array(SavedCardSchema),
  /** Whether to offer "save this card" (a `customer_id` was signed); `always` when `recurring_register` asks for it. */
  save_card: v.picklist(['never', 'offer', 'always']),
  theme: v.optional(ThemeSchema),
  state: PaymentStateSchema,
})
export type SessionView = v.InferOutput<typeof SessionViewSchema>

const digits = (min: number, max: number, message: string) =>
  v.pipe(v.string(), v.regex(new RegExp(`^\\d{${min},${max}}$`), message))

/** `POST /api/page/pay` body. Card data travels only here, in a POST body to EPay's origin. */
export const PayBodySchema = v.variant('method', [
  v.object({
    method: v.literal('card'),
    card: v.object({
      pan: digits(12, 19, 'card number must be 12–19 digits'),
      exp_month: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(12)),
      exp_year: v.pipe(v.number(), v.safeInteger(), v.minValue(2000), v.maxValue(2100)),
      cvc: digits(3, 4, 'CVC must be 3 or 4 digits'),
      holder: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100)),
    }),
    /** The shopper ticked "save this card" (ignored unless the session offers it). */
    save_card: v.optional(v.boolean()),
  }),
  v.object({
    method: v.literal('saved_card'),
    token: v.pipe(v.string(), v.maxLength(64)),
    cvc: digits(3, 4, 'CVC must be 3 or 4 digits'),
  }),
  v.object({ method: v.literal('jeton') }),
])
export type PayBody = v.InferOutput<typeof PayBodySchema>
