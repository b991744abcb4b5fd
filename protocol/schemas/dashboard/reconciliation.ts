import * as v from 'valibot'

/**
 * How a local operation and the upstream's record of it disagree (issue 14 item 3):
 * - `status`: both sides know it, with different statuses;
 * - `amount`: same status, different amount or currency;
 * - `missing_upstream`: EPay holds it as moved (or still open) and the upstream has no record;
 * - `unknown_locally`: the upstream holds a successful operation on one of EPay's payments that
 *   EPay never asked for;
 * - `no_answer`: the upstream could not be asked (down, an answer not the protocol's), so this
 *   day is not confirmed for that payment.
 */
export const MISMATCH_KINDS = ['status', 'amount', 'missing_upstream', 'unknown_locally', 'no_answer'] as const
export type MismatchKind = (typeof MISMATCH_KINDS)[number]

/** A reconciled day: `YYYY-MM-DD`, in UTC. */
export const ReconciliationDaySchema = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'))

export const RECONCILIATION_RUN_STATUSES = ['queued', 'running', 'done', 'failed'] as const

export const MismatchViewSchema = v.object({
  kind: v.picklist(MISMATCH_KINDS),
  operation_id: v.nullable(v.string()),
  /** The merchant's payment id. */
  payment_id: v.nullable(v.string()),
  upstream_payment_id: v.nullable(v.string()),
  operation_type: v.nullable(v.string()),
  local_status: v.nullable(v.string()),
  upstream_status: v.nullable(v.string()),
  local_amount: v.nullable(v.number()),
  upstream_amount: v.nullable(v.number()),
  currency: v.nullable(v.string()),
  upstream_currency: v.nullable(v.string()),
})
export type MismatchView = v.InferOutput<typeof MismatchViewSchema>

export const ReconciliationRunViewSchema = v.object({
  day: v.string(),
  status: v.picklist(RECONCILIATION_RUN_STATUSES),
  /** Local operations compared; null until the run finished. */
  checked: v.nullable(v.number()),
  mismatches: v.nullable(v.number()),
  finished_at: v.nullable(v.string()),
})
export type ReconciliationRunView = v.InferOutput<typeof ReconciliationRunViewSchema>

/** `?day=` picks a run; without it the newest. */
export const ReconciliationQuerySchema = v.object({ day: v.optional(ReconciliationDaySchema) })

/** A project's reconciliation: recent daily runs, and the mismatches of the chosen one. */
export const ReconciliationViewSchema = v.object({
  /** Whether the project is live and connected upstream: only such projects are reconciled. */
  reconciled: v.boolean(),
  /** The next day to be reconciled (it runs after that day has ended, UTC). */
  next_day: v.nullable(v.string()),
  runs: v.array(ReconciliationRunViewSchema),
  selected: v.nullable(ReconciliationRunViewSchema),
  mismatches: v.array(MismatchViewSchema),
})
export type ReconciliationView = v.InferOutput<typeof ReconciliationViewSchema>
