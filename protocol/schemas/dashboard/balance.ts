import * as v from 'valibot'
import { CurrencySchema } from '../../money.ts'
import { PAYMENT_STATUSES } from '../statuses.ts'
import { TimestampSchema } from './common.ts'
import { ActionResultSchema } from './payments.ts'

/**
 * One project's money in one currency, from the ledger, in minor units: `available` is what
 * payouts draw on (the Gate's `/v2/balance`); `commission` what the platform kept of paid money;
 * `in_flight` payouts held while the provider works; `paid_out` payouts made.
 */
export const BalanceLineSchema = v.object({
  project_id: v.number(),
  project_name: v.string(),
  currency: CurrencySchema,
  available: v.number(),
  commission: v.number(),
  in_flight: v.number(),
  paid_out: v.number(),
})
export type BalanceLine = v.InferOutput<typeof BalanceLineSchema>

/** The balances of the projects a user sees, and each project's commission rate (basis points). */
export const BalanceViewSchema = v.object({
  balances: v.array(BalanceLineSchema),
  projects: v.array(v.object({ id: v.number(), name: v.string(), commission_bps: v.number(), test: v.boolean() })),
  /** Whether the signed-in user may request a payout; the server checks again on the call. */
  can_pay_out: v.boolean(),
})
export type BalanceView = v.InferOutput<typeof BalanceViewSchema>

const text = (min: number, max: number, message: string) => v.pipe(v.string(), v.trim(), v.minLength(min, message), v.maxLength(max, `must be at most ${max} characters`))

/** Where a payout goes: a customer's saved card (token and its customer), or a Jeton wallet account. */
export const PayoutDestinationSchema = v.variant('type', [
  v.object({ type: v.literal('card'), account_token: text(1, 64, 'enter the card token'), customer_id: text(1, 255, 'enter the customer id') }),
  v.object({ type: v.literal('wallet'), account: text(1, 64, 'enter the wallet account') }),
])
export type PayoutDestination = v.InferOutput<typeof PayoutDestinationSchema>

/** A payout request from the screen: one fresh key per confirmed click, so a double click pays once. */
export const PayoutBodySchema = v.object({
  idempotency_key: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{16,64}$/, 'must be a random key')),
  amount: v.pipe(v.number(), v.safeInteger('must be an integer in minor units'), v.minValue(1, 'must be positive')),
  currency: CurrencySchema,
  destination: PayoutDestinationSchema,
  description: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(255, 'must be at most 255 characters'))),
})
export type PayoutBody = v.InferOutput<typeof PayoutBodySchema>

/** The answer to a payout request: the payout's payment id and its operation (3028 when over the balance). */
export const PayoutResultSchema = v.object({ ...ActionResultSchema.entries, payment_id: v.string() })
export type PayoutResult = v.InferOutput<typeof PayoutResultSchema>

/** Filters of the payout list, kept in the URL. */
export const PayoutListQuerySchema = v.object({
  project: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, 'must be a project id'), v.transform(Number))),
  status: v.optional(v.picklist(PAYMENT_STATUSES, 'unknown status')),
  currency: v.optional(CurrencySchema),
  cursor: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,120}$/, 'is not a cursor this list returned'))),
})
export const PAYOUT_FILTERS = ['project', 'status', 'currency'] as const

export const PayoutRowSchema = v.object({
  id: v.string(),
  project_id: v.number(),
  payment_id: v.string(),
  created_at: TimestampSchema,
  status: v.picklist(PAYMENT_STATUSES),
  amount: v.number(),
  currency: CurrencySchema,
  method: v.nullable(v.string()),
  /** A masked card, or the wallet account paid to. */
  destination: v.nullable(v.string()),
  /** The payout operation's result code and message (`3028` when over the balance). */
  code: v.nullable(v.string()),
  message: v.nullable(v.string()),
})
export type PayoutRow = v.InferOutput<typeof PayoutRowSchema>
export const PayoutListSchema = v.object({ payouts: v.array(PayoutRowSchema), next_cursor: v.nullable(v.string()) })
export type PayoutList = v.InferOutput<typeof PayoutListSchema>
