import { describe, expect, it } from 'vitest'
import { catchUpFrom, compareWithUpstream, dayDue, nextDay, utcDay } from '../../../server/domain/reconciliation.ts'

describe('compareWithUpstream', () => {
  const local = { status: 'success' as const, amount: 1500, currency: 'EUR' }

  it.each([
    ['agrees on status, amount and currency', local, { status: 'success', amount: 1500, currency: 'EUR' }, undefined],
    ['agrees when the upstream gives no amount', local, { status: 'success', amount: undefined, currency: undefined }, undefined],
    ['takes decline and error as the same refusal', { ...local, status: 'decline' as const }, { status: 'error', amount: 1500, currency: 'EUR' }, undefined],
    ['finds a different status', { ...local, status: 'decline' as const }, { status: 'success', amount: 1500, currency: 'EUR' }, 'status'],
    ['finds a different amount', local, { status: 'success', amount: 1499, currency: 'EUR' }, 'amount'],
    ['finds a different currency', local, { status: 'success', amount: 1500, currency: 'USD' }, 'amount'],
    ['finds a success the upstream has no record of', local, undefined, 'missing_upstream'],
    ['finds an operation still open with no upstream record', { ...local, status: 'processing' as const }, undefined, 'missing_upstream'],
    ['accepts a refusal the upstream never saw', { ...local, status: 'decline' as const }, undefined, undefined],
    ['compares an unknown upstream status word as different', local, { status: 'settled', amount: 1500, currency: 'EUR' }, 'status'],
  ] as const)('%s', (_name, mine, theirs, expected) => {
    expect(compareWithUpstream(mine, theirs)).toBe(expected)
  })
})

describe('reconciliation days', () => {
  it('names UTC days and the day after, across a month end', () => {
    expect(utcDay(new Date('2030-03-31T23:59:59.999Z'))).toBe('2030-03-31')
    expect(nextDay('2030-03-31')).toBe('2030-04-01')
    expect(nextDay('2032-02-28')).toBe('2032-02-29')
  })

  it('makes a day due one hour after it ends, in UTC', () => {
    expect(dayDue('2030-03-10', new Date('2030-03-11T00:59:59Z'))).toBe(false)
    expect(dayDue('2030-03-10', new Date('2030-03-11T01:00:00Z'))).toBe(true)
  })

  it('catches up at most seven days back', () => {
    const now = new Date('2030-03-20T12:00:00Z')
    expect(catchUpFrom('2030-03-01', now)).toBe('2030-03-13')
    expect(catchUpFrom('2030-03-15', now)).toBe('2030-03-15')
  })
})
