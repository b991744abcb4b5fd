import { describe, expect, it } from 'vitest'
import { capturePostings, commission, merchantBalance, refundPostings } from '../../../server/domain/ledger.ts'

describe('commission', () => {
  it.each([
    [10_000, 150, 150],
    [3_333, 150, 50], // 49.995 rounds half up
    [3_332, 150, 50], // 49.98
    [3_300, 150, 50], // 49.5 rounds half up
    [3_299, 150, 49], // 49.485
    [1, 150, 0],
    [1, 5_000, 1], // 0.5 rounds half up
    [5_000, 0, 0],
    [5_000, 10_000, 5_000],
  ])('is %i × %i bp = %i minor units', (amount, bps, fee) => {
    expect(commission(amount, bps)).toBe(fee)
  })

  it('stays exact where amount × bps passes 2^53', () => {
    // 9 007 199 254 740 991 × 150 / 10 000 = 135 107 988 821 114.865 → …115
    expect(commission(Number.MAX_SAFE_INTEGER, 150)).toBe(135_107_988_821_115)
  })
})

describe('capturePostings', () => {
  it('credits the merchant net of the commission in legs that sum to zero', () => {
    const legs = capturePostings(3_333, 150)
    expect(legs).toEqual([{ account: 'acquirer', amount: 3_333 }, { account: 'merchant', amount: -3_283 }, { account: 'commission', amount: -50 }])
    expect(legs.reduce((s, p) => s + p.amount, 0)).toBe(0)
    expect(merchantBalance(legs)).toBe(3_283)
  })

  it('has no commission leg without a rate', () => {
    expect(capturePostings(500)).toEqual([{ account: 'acquirer', amount: 500 }, { account: 'merchant', amount: -500 }])
  })

  it('keeps the commission when the sale is refunded in full', () => {
    expect(merchantBalance([...capturePostings(10_000, 150), ...refundPostings(10_000)])).toBe(-150)
  })
})
