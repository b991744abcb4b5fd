import * as v from 'valibot'
import { CurrencySchema } from '../../money.ts'
import { OPERATION_STATUSES, OPERATION_TYPES, PAYMENT_STATUSES } from '../statuses.ts'
import { TimestampSchema } from './common.ts'

const text = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max, `must be at most ${max} characters`)))
/** An amount as a person types it, in major units of the chosen currency (`12.50`). */
const majorAmount = v.optional(v.pipe(v.string(), v.trim(), v.regex(/^\d{1,13}([.,]\d{1,3})?$/, 'must be an amount like 12.50')))

/**
 * Filters of the payments list, all in the URL so a view can be shared (SPEC §14). `customer`
 * is a customer id, or an email when it holds `@`; `payment` is the merchant's `payment_id` or
 * EPay's `pay_…` id. An amount range needs a currency, whose exponent reads it.
 */
export const PaymentListQuerySchema = v.object({
  from: v.optional(TimestampSchema),
  to: v.optional(TimestampSchema),
  status: v.optional(v.picklist(PAYMENT_STATUSES, 'unknown status')),
  project: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, 'must be a project id'), v.transform(Number))),
  method: v.optional(v.pipe(v.string(), v.regex(/^[a-z_]{2,32}$/, 'must be a method name'))),
  currency: v.optional(CurrencySchema),
  amount_min: majorAmount,
  amount_max: majorAmount,
  payment: text(255),
  customer: text(254),
  first6: v.optional(v.pipe(v.string(), v.regex(/^\d{6}$/, 'must be the first 6 digits'))),
  last4: v.optional(v.pipe(v.string(), v.regex(/^\d{4}$/, 'must be the last 4 digits'))),
  operation: v.optional(v.picklist(OPERATION_TYPES, 'unknown operation type')),
  mode: v.optional(v.picklist(['test', 'live'], 'must be test or live')),
  cursor: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,120}$/, 'is not a cursor this list returned'))),
})
export type PaymentListQuery = v.InferInput<typeof PaymentListQuerySchema>
/** An export takes the list's filters and the reader's time zone (IANA name), in which its dates are written. */
export const PaymentExportQuerySchema = v.object({ ...PaymentListQuerySchema.entries, tz: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_+\-/]{1,64}$/, 'must be a time zone'))) })
/** The filter names, as the screen keeps them in its URL. */
export const PAYMENT_FILTERS = ['from', 'to', 'status', 'project', 'method', 'currency', 'amount_min', 'amount_max', 'payment', 'customer', 'first6', 'last4', 'operation', 'mode'] as const

export const PaymentRowSchema = v.object({
  id: v.string(),
  project_id: v.number(),
  payment_id: v.string(),
  created_at: TimestampSchema,
  status: v.picklist(PAYMENT_STATUSES),
  amount: v.number(),
  currency: CurrencySchema,
  method: v.nullable(v.string()),
  /** First six and last four only (`424242******4242`). */
  card_mask: v.nullable(v.string()),
  card_brand: v.nullable(v.string()),
  customer_id: v.nullable(v.string()),
  customer_email: v.nullable(v.string()),
  description: v.nullable(v.string()),
  test: v.boolean(),
  operation_types: v.array(v.string()),
})
export type PaymentRow = v.InferOutput<typeof PaymentRowSchema>
export const PaymentListSchema = v.object({ payments: v.array(PaymentRowSchema), next_cursor: v.nullable(v.string()) })
export type PaymentList = v.InferOutput<typeof PaymentListSchema>

/** Columns of the list a user may show or hide; the choice is kept per user. */
export const PAYMENT_COLUMNS = ['created_at', 'payment_id', 'project', 'status', 'amount', 'method', 'card', 'customer', 'description', 'operations'] as const
export type PaymentColumn = (typeof PAYMENT_COLUMNS)[number]
export const ColumnsSchema = v.object({ columns: v.pipe(v.array(v.picklist(PAYMENT_COLUMNS)), v.minLength(1, 'choose at least one column'), v.maxLength(PAYMENT_COLUMNS.length)) })
export type Columns = v.InferOutput<typeof ColumnsSchema>

/** How 3-D Secure went for the charge: passed or failed a challenge, frictionless, or still waiting. */
export const THREE_DS_OUTCOMES = ['challenge_passed', 'challenge_failed', 'frictionless', 'awaiting', 'not_applicable'] as const

export const OperationViewSchema = v.object({
  id: v.number(),
  type: v.picklist(OPERATION_TYPES),
  status: v.picklist(OPERATION_STATUSES),
  amount: v.number(),
  currency: CurrencySchema,
  code: v.nullable(v.string()),
  message: v.nullable(v.string()),
  method: v.string(),
  card_mask: v.nullable(v.string()),
  provider_id: v.string(),
  created_at: TimestampSchema,
  updated_at: TimestampSchema,
})
export type OperationView = v.InferOutput<typeof OperationViewSchema>

export const CallbackViewSchema = v.object({
  id: v.string(),
  operation_id: v.number(),
  status: v.picklist(['pending', 'delivered', 'failed']),
  attempts: v.number(),
  last_status: v.nullable(v.number()),
  last_error: v.nullable(v.string()),
  next_attempt_at: v.nullable(TimestampSchema),
})
export type CallbackView = v.InferOutput<typeof CallbackViewSchema>

export const PaymentDetailSchema = v.object({
  payment: PaymentRowSchema,
  project_name: v.string(),
  operation_type: v.picklist(['sale', 'auth']),
  totals: v.object({ authorised: v.number(), captured: v.number(), refunded: v.number(), refundable: v.number(), capturable: v.number() }),
  three_ds: v.picklist(THREE_DS_OUTCOMES),
  operations: v.array(OperationViewSchema),
  callbacks: v.array(CallbackViewSchema),
  /** What the signed-in user may do now; the server checks again on the call. */
  actions: v.object({ refund: v.boolean(), capture: v.boolean(), cancel: v.nullable(v.picklist(['void', 'refund'])), resend: v.boolean() }),
  /** The Gate's `/v2/payment/status` answer for this payment, for developers. */
  raw_status: v.unknown(),
})
export type PaymentDetail = v.InferOutput<typeof PaymentDetailSchema>

/** One click of an action: a fresh key per click, so a double click or a retry acts once. */
const IdempotencyKeySchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be a random key'))
const ReasonSchema = v.pipe(v.string(), v.trim(), v.minLength(3, 'give a reason'), v.maxLength(500, 'must be at most 500 characters'))
const ActionAmountSchema = v.optional(v.pipe(v.number(), v.safeInteger('must be an integer in minor units'), v.minValue(1, 'must be positive')))

export const RefundBodySchema = v.object({ idempotency_key: IdempotencyKeySchema, amount: ActionAmountSchema, reason: ReasonSchema })
export const CaptureBodySchema = v.object({ idempotency_key: IdempotencyKeySchema, amount: ActionAmountSchema })
export const CancelBodySchema = v.object({ idempotency_key: IdempotencyKeySchema, reason: v.optional(ReasonSchema) })
export const ActionResultSchema = v.object({ payment_status: v.picklist(PAYMENT_STATUSES), operation: OperationViewSchema })
export type ActionResult = v.InferOutput<typeof ActionResultSchema>
