import type { Posting } from './ports.ts'

// Double entry, debits positive: the legs of every operation sum to zero, so the ledger of a
// project and currency always sums to zero too. The merchant balance is minus the `merchant`
// account's sum (a sale credits the merchant with `merchant −amount`).

/**
 * Paid money — a one-stage sale or a capture: the acquirer now owes the amount, and EPay owes it
 * to the merchant less the platform's commission at the project's rate (basis points).
 * Hint: the commission is a leg of the same operation, so the postings still sum to zero and
 * the merchant's balance is net of it from the moment the money arrives.
 */
export function capturePostings(amount: number, commissionBps = 0): Posting[] {
  const fee = commission(amount, commissionBps)
  return [
    { account: 'acquirer', amount },
    { account: 'merchant', amount: -(amount - fee) },
    ...(fee > 0 ? [{ account: 'commission' as const, amount: -fee }] : []),
  ]
}

/**
 * The commission on `amount` minor units at `bps` basis points, rounded half up to a whole minor
 * unit. Hint: computed in bigint, because amount × bps can pass 2^53 for large amounts, where a
 * float product would round before the division and miss by a unit.
 */
export function commission(amount: number, bps: number): number {
  if (bps <= 0) return 0
  return Number((BigInt(amount) * BigInt(bps) + 5000n) / 10000n)
}

/** A refund: the money goes back to the shopper through the provider, out of the merchant's balance. */
export function refundPostings(amount: number): Posting[] {
  return [
    { account: 'merchant', amount },
    { account: 'acquirer', amount: -amount },
  ]
}

/**
 * A payout request: the amount leaves the merchant's balance at once and waits in
 * `payouts_pending`, so a concurrent payout cannot spend it again while the provider works.
 */
export function payoutHoldPostings(amount: number): Posting[] {
  return [
    { account: 'merchant', amount },
    { account: 'payouts_pending', amount: -amount },
  ]
}

/** A payout the provider made: the held amount is paid out through the provider. */
export function payoutPaidPostings(amount: number): Posting[] {
  return [
    { account: 'payouts_pending', amount },
    { account: 'acquirer', amount: -amount },
  ]
}

/** A payout the provider declined: the held amount returns to the merchant's balance. */
export function payoutReleasePostings(amount: number): Posting[] {
  return [
    { account: 'payouts_pending', amount },
    { account: 'merchant', amount: -amount },
  ]
}

/** The merchant balance the given postings yield: minus the `merchant` account's sum. */
export function merchantBalance(postings: readonly Posting[]): number {
  return -postings.reduce((sum, p) => (p.account === 'merchant' ? sum + p.amount : sum), 0)
}
