import { describe, expect, it } from 'vitest'
import { isExpiryInPast, isExpiryTooFar, parseExpiry } from '../../../hosted-page/src/card/expiry.ts'

const NOW = new Date(2026, 4, 15) // 15 May 2026, local time

describe('parseExpiry', () => {
  it.each([
    ['12/26', { month: 12, year: 2026 }],
    ['01 / 30', { month: 1, year: 2030 }],
    ['0530', { month: 5, year: 2030 }],
    ['05/2031', { month: 5, year: 2031 }],
  ])('reads %j', (value, expiry) => {
    expect(parseExpiry(value)).toEqual(expiry)
  })

  it.each(['', '1/26', '13/26', '00/26', '12-26', '12/2', 'ab/cd'])('refuses %j', (value) => {
    expect(parseExpiry(value)).toBeNull()
  })
})

describe('isExpiryInPast', () => {
  it('rejects an earlier month or year', () => {
    expect(isExpiryInPast({ month: 4, year: 2026 }, NOW)).toBe(true)
    expect(isExpiryInPast({ month: 12, year: 2025 }, NOW)).toBe(true)
  })

  it('accepts the current month, valid through its last day', () => {
    expect(isExpiryInPast({ month: 5, year: 2026 }, NOW)).toBe(false)
    expect(isExpiryInPast({ month: 5, year: 2026 }, new Date(2026, 4, 31, 23, 59))).toBe(false)
  })

  it('accepts a later date', () => {
    expect(isExpiryInPast({ month: 1, year: 2027 }, NOW)).toBe(false)
  })
})

describe('isExpiryTooFar', () => {
  it('flags dates more than 20 years ahead as typos', () => {
    expect(isExpiryTooFar({ month: 1, year: 2046 }, NOW)).toBe(false)
    expect(isExpiryTooFar({ month: 1, year: 2047 }, NOW)).toBe(true)
  })
})
