import type { MismatchKind } from '../../protocol/schemas/dashboard/reconciliation.ts'
import type { OperationStatus } from '../../protocol/schemas/statuses.ts'

/** One local operation as the reconciliation compares it. */
export type LocalSide = { status: OperationStatus; amount: number; currency: string }

/**
 * The upstream's record of the same operation: its status word (the protocol's, unchecked) and,
 * when the upstream gives it, its `sum_initial`. `undefined`: the upstream has no such operation.
 */
export type UpstreamSide = { status: string; amount: number | undefined; currency: string | undefined } | undefined

// Both sides report "nothing moved" in two words: a refusal is `decline` or `error` (SPEC §6).
const NOTHING_MOVED = new Set(['decline', 'error'])
const sameStatus = (a: string, b: string) => a === b || (NOTHING_MOVED.has(a) && NOTHING_MOVED.has(b))

/**
 * Compares a local operation with the upstream's record of it; `undefined` when they agree.
 * Hint: an operation the upstream never heard of agrees only when EPay holds it as refused
 * (a request that never arrived moved nothing on either side); anything else EPay holds —
 * success, or still open after its day ended — without an upstream record is a mismatch.
 */
export function compareWithUpstream(local: LocalSide, upstream: UpstreamSide): MismatchKind | undefined {
  if (!upstream) return NOTHING_MOVED.has(local.status) ? undefined : 'missing_upstream'
  if (!sameStatus(local.status, upstream.status)) return 'status'
  if (upstream.amount !== undefined && upstream.amount !== local.amount) return 'amount'
  if (upstream.currency !== undefined && upstream.currency !== local.currency) return 'amount'
  return undefined
}

/** How long after a UTC day has ended it is reconciled: the resolvers' longest wait (a wallet page, 30 min) has passed. */
export const RECONCILE_AFTER_DAY_MS = 60 * 60_000
/** A project's schedule never reaches further back than this: older missed days are skipped. */
export const MAX_CATCH_UP_DAYS = 7

/** The UTC day (`YYYY-MM-DD`) that `at` falls on. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10)
}

/** The day after `day`. */
export function nextDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000))
}

/** The half-open UTC interval `[from, to)` of `day`. */
export function dayBounds(day: string): { from: Date; to: Date } {
  const from = new Date(`${day}T00:00:00Z`)
  return { from, to: new Date(from.getTime() + 86_400_000) }
}

/**
 * Whether `day` may be reconciled at `now`: it has ended, and RECONCILE_AFTER_DAY_MS has passed
 * since, so attempts still open at midnight have been settled by the resolvers first.
 */
export function dayDue(day: string, now: Date): boolean {
  return now.getTime() >= dayBounds(day).to.getTime() + RECONCILE_AFTER_DAY_MS
}

/** The first day a schedule should hold at `now`: `day`, or the catch-up limit if `day` is older. */
export function catchUpFrom(day: string, now: Date): string {
  const earliest = utcDay(new Date(now.getTime() - MAX_CATCH_UP_DAYS * 86_400_000))
  return day < earliest ? earliest : day
}
