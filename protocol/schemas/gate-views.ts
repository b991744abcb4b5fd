import * as v from 'valibot'
import { ERROR_CODES } from '../errors.ts'
import { CurrencySchema } from '../money.ts'
import { RedirectDataSchema } from './page-api.ts'
import { OperationStatusSchema, OperationTypeSchema, PAYMENT_STATUSES } from './statuses.ts'

/**
 * What the Gate API answers and what callbacks carry (SPEC §8, §9), ECommPay's shapes.
 * Hint: no value is ever `null` (some official SDKs crash on them); absent means unknown.
 */

const int = v.pipe(v.number(), v.safeInteger())
const SumSchema = v.object({ amount: int, currency: CurrencySchema })
/** `2019-04-15T16:31:44+0000`, always UTC. */
const EcommpayDateSchema = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0000$/))

/** The immediate answer to an accepted request; the result follows by callback and status. */
export const GateAcceptedSchema = v.object({
  status: v.literal('success'),
  request_id: v.string(),
  project_id: int,
  payment_id: v.string(),
})
export type GateAccepted = v.InferOutput<typeof GateAcceptedSchema>

/** Every Gate error (SPEC §12): ECommPay's `{status, code, message}` plus EPay's request id. */
export const GateErrorSchema = v.object({
  status: v.literal('error'),
  code: v.picklist(ERROR_CODES),
  message: v.string(),
  /** The request field at fault, as a dot path. */
  param: v.optional(v.string()),
  request_id: v.string(),
})
export type GateError = v.InferOutput<typeof GateErrorSchema>

/**
 * Payment statuses as the Gate and callbacks report them: ECommPay's list. EPay's internal `new`
 * is reported `awaiting customer`, as is a decline the shopper may still retry.
 */
export const REPORTED_PAYMENT_STATUSES = [...PAYMENT_STATUSES.filter((s) => s !== 'new'), 'awaiting customer'] as const
export const ReportedPaymentStatusSchema = v.picklist(REPORTED_PAYMENT_STATUSES)

/** `payment` in callbacks and answers: the merchant's order. */
export const PaymentInfoSchema = v.object({
  id: v.string(),
  type: v.picklist(['purchase', 'payout', 'card_verify']),
  status: ReportedPaymentStatusSchema,
  date: EcommpayDateSchema,
  /** ECommPay's method name: `card`, `JetonWallet`. */
  method: v.string(),
  sum: SumSchema,
  description: v.optional(v.string()),
  /** On a declined purchase: whether the shopper may still try again, and until when. */
  is_new_attempts_available: v.optional(v.boolean()),
  attempts_timeout: v.optional(EcommpayDateSchema),
  /**
   * `1` on every test payment (served by the simulators); absent on live ones. EPay's own field:
   * ECommPay's callbacks have no test flag, so merchants check this one before fulfilling.
   */
  is_test: v.optional(v.literal(1)),
})

/** One operation in callbacks and answers. */
export const OperationInfoSchema = v.object({
  id: int,
  type: OperationTypeSchema,
  status: OperationStatusSchema,
  date: EcommpayDateSchema,
  created_date: EcommpayDateSchema,
  request_id: v.string(),
  sum_initial: SumSchema,
  sum_converted: SumSchema,
  /** ECommPay's provider id is an integer. */
  provider: v.object({ id: int, payment_id: v.optional(v.string()), auth_code: v.optional(v.string()) }),
  code: v.optional(v.string()),
  message: v.optional(v.string()),
})

/** The card (masked, never the full number) or wallet account an operation used. */
export const AccountSchema = v.object({ number: v.optional(v.string()), type: v.optional(v.string()), token: v.optional(v.string()) })
const ErrorsSchema = v.array(v.object({ code: v.optional(v.string()), message: v.optional(v.string()), description: v.optional(v.string()) }))

/** A callback body as EPay sends it (SPEC §8), `signature` included. */
export const GateCallbackSchema = v.object({
  project_id: int,
  payment: PaymentInfoSchema,
  operation: OperationInfoSchema,
  account: v.optional(AccountSchema),
  customer: v.optional(v.object({ id: v.string() })),
  errors: v.optional(ErrorsSchema),
  /** Where to send the shopper while the payment is `awaiting 3ds result`. */
  redirect_data: v.optional(RedirectDataSchema),
  signature: v.string(),
})
export type GateCallback = v.InferOutput<typeof GateCallbackSchema>

/** Delivery state of one callback event (SPEC §8): what was tried, what answered, what is next. */
export const CallbackDeliverySchema = v.object({
  event_id: v.string(),
  operation_id: int,
  status: v.picklist(['pending', 'delivered', 'failed']),
  attempts: int,
  last_http_status: v.optional(int),
  last_error: v.optional(v.string()),
  next_attempt_at: v.optional(v.string()),
})

/** `/v2/payment/callbacks`: every callback EPay has sent or will send for a payment, oldest first. */
export const PaymentCallbacksResponseSchema = v.object({
  status: v.literal('success'),
  project_id: int,
  payment_id: v.string(),
  callbacks: v.array(CallbackDeliverySchema),
})
export type PaymentCallbacksResponse = v.InferOutput<typeof PaymentCallbacksResponseSchema>

/** `/v2/payment/status`: the payment with all its operations, oldest first. */
export const PaymentStatusResponseSchema = v.object({
  status: v.literal('success'),
  project_id: int,
  payment: PaymentInfoSchema,
  operations: v.array(OperationInfoSchema),
  account: v.optional(AccountSchema),
  customer: v.optional(v.object({ id: v.string() })),
  errors: v.optional(ErrorsSchema),
  redirect_data: v.optional(RedirectDataSchema),
})
export type PaymentStatusResponse = v.InferOutput<typeof PaymentStatusResponseSchema>

/** `/v2/operations/get`: one page, newest first. */
export const OperationsPageSchema = v.object({
  status: v.literal('success'),
  operations: v.array(v.object({ payment: PaymentInfoSchema, operation: OperationInfoSchema, account: v.optional(AccountSchema), customer: v.optional(v.object({ id: v.string() })) })),
  /** Pass as `cursor` for the next page; absent on the last page. */
  next_cursor: v.optional(v.string()),
})
export type OperationsPage = v.InferOutput<typeof OperationsPageSchema>

const BalanceLineSchema = v.object({ balance: int, currency: CurrencySchema, commission: int })

/** `/v2/balance`: one currency when asked for one, else every currency. */
export const BalanceResponseSchema = v.union([
  v.object({ status: v.literal('success'), ...BalanceLineSchema.entries }),
  v.object({ status: v.literal('success'), balances: v.array(BalanceLineSchema) }),
])

/** A saved card as the Gate shows it: masked, never the full number. */
export const SavedCardViewSchema = v.object({
  token: v.string(),
  card: v.object({ masked: v.string(), brand: v.string(), year: int, month: int, holder: v.optional(v.string()) }),
  customer: v.object({ id: v.string() }),
  created_date: EcommpayDateSchema,
})

/** `/v2/token/card/create`: the saved card. */
export const TokenCreatedSchema = v.object({ status: v.literal('success'), request_id: v.string(), project_id: int, ...SavedCardViewSchema.entries })
/** `/v2/token/card/list`: a customer's saved cards, newest first. */
export const TokenListSchema = v.object({ status: v.literal('success'), tokens: v.array(SavedCardViewSchema) })
/** `/v2/token/card/delete`. */
export const TokenDeletedSchema = v.object({ status: v.literal('success'), request_id: v.string(), project_id: int, token: v.string() })
