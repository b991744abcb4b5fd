import { describe, expect, it } from 'vitest'
import { firstRun, latestRunDay, localDate, nextRunAfter, periodOf, zonedInstant } from '../../../server/dashboard/reports/subscription-schedule.ts'

// When a subscribed report runs and what it covers (issue 13 item 5): in the subscriber's zone,
// across DST changes and month ends. America/New_York in 2030: clocks jump 02:00 → 03:00 on
// 10 March and fall back 02:00 → 01:00 on 3 November; Europe/Berlin jumps on 31 March and falls
// back on 27 October; Europe/Moscow keeps UTC+3 all year.

const iso = (d: Date) => d.toISOString()
const NY = 'America/New_York'
const MSK = 'Europe/Moscow'

describe('report subscription schedule', () => {
  it('a local hour is its instant in the zone; a skipped hour is the moment the clocks jump, a repeated one its first showing', () => {
    expect(iso(zonedInstant('2030-03-09', 9, NY))).toBe('2030-03-09T14:00:00.000Z')
    expect(iso(zonedInstant('2030-03-10', 9, NY))).toBe('2030-03-10T13:00:00.000Z')
    expect(iso(zonedInstant('2030-03-10', 2, NY))).toBe('2030-03-10T07:00:00.000Z') // 02:00 does not exist: 03:00 EDT
    expect(iso(zonedInstant('2030-11-03', 1, NY))).toBe('2030-11-03T05:00:00.000Z') // 01:00 EDT, not 01:00 EST
    expect(iso(zonedInstant('2030-11-03', 9, NY))).toBe('2030-11-03T14:00:00.000Z')
    expect(iso(zonedInstant('2030-03-31', 2, 'Europe/Berlin'))).toBe('2030-03-31T01:00:00.000Z')
    expect(iso(zonedInstant('2030-10-27', 2, 'Europe/Berlin'))).toBe('2030-10-27T00:00:00.000Z')
    expect(iso(zonedInstant('2030-06-15', 0, MSK))).toBe('2030-06-14T21:00:00.000Z')
    expect(localDate(new Date('2030-06-14T21:00:00Z'), MSK)).toBe('2030-06-15')
    expect(localDate(new Date('2030-06-14T20:59:59Z'), MSK)).toBe('2030-06-14')
  })

  it('daily runs every local day at the hour, 23 or 25 hours apart across DST', () => {
    const daily = { cadence: 'daily', hour: 9, tz: NY } as const
    expect(iso(nextRunAfter(new Date('2030-03-09T14:00:00Z'), daily))).toBe('2030-03-10T13:00:00.000Z')
    expect(iso(nextRunAfter(new Date('2030-03-10T13:00:00Z'), daily))).toBe('2030-03-11T13:00:00.000Z')
    expect(iso(nextRunAfter(new Date('2030-11-02T13:00:00Z'), daily))).toBe('2030-11-03T14:00:00.000Z')
    const moscow = { cadence: 'daily', hour: 8, tz: MSK } as const
    expect(iso(nextRunAfter(new Date('2030-01-14T04:59:59Z'), moscow))).toBe('2030-01-14T05:00:00.000Z')
    expect(iso(nextRunAfter(new Date('2030-01-14T05:00:00Z'), moscow))).toBe('2030-01-15T05:00:00.000Z')
    // Late in the UTC day it is already tomorrow in Moscow.
    expect(iso(nextRunAfter(new Date('2030-01-14T22:00:00Z'), { cadence: 'daily', hour: 0, tz: MSK }))).toBe('2030-01-15T21:00:00.000Z')
  })

  it('weekly runs on Mondays, monthly on the 1st, whatever the month\'s length', () => {
    const weekly = { cadence: 'weekly', hour: 9, tz: NY } as const
    expect(iso(nextRunAfter(new Date('2030-10-28T13:00:00Z'), weekly))).toBe('2030-11-04T14:00:00.000Z') // EDT → EST in between
    const monthly = { cadence: 'monthly', hour: 7, tz: MSK } as const
    expect(iso(nextRunAfter(new Date('2030-01-31T06:00:00Z'), monthly))).toBe('2030-02-01T04:00:00.000Z')
    expect(iso(nextRunAfter(new Date('2030-02-01T04:00:00Z'), monthly))).toBe('2030-03-01T04:00:00.000Z')
    expect(iso(nextRunAfter(new Date('2030-12-15T00:00:00Z'), monthly))).toBe('2031-01-01T04:00:00.000Z')
    expect(latestRunDay(new Date('2030-01-14T05:59:59Z'), { cadence: 'weekly', hour: 9, tz: MSK })).toBe('2030-01-07')
    expect(latestRunDay(new Date('2030-01-14T06:00:00Z'), { cadence: 'weekly', hour: 9, tz: MSK })).toBe('2030-01-14')
    expect(latestRunDay(new Date('2030-03-20T00:00:00Z'), monthly)).toBe('2030-03-01')
  })

  it('a run covers the day, week or month before; after missed runs, every day since the last mailed, at most 366', () => {
    expect(periodOf('2030-01-15', 'daily', null)).toEqual({ from: '2030-01-14', to: '2030-01-14' })
    expect(periodOf('2030-01-14', 'weekly', null)).toEqual({ from: '2030-01-07', to: '2030-01-13' })
    expect(periodOf('2030-03-01', 'monthly', null)).toEqual({ from: '2030-02-01', to: '2030-02-28' })
    expect(periodOf('2032-03-01', 'monthly', null)).toEqual({ from: '2032-02-01', to: '2032-02-29' })
    expect(periodOf('2031-01-01', 'monthly', null)).toEqual({ from: '2030-12-01', to: '2030-12-31' })
    // The server was down three days: one run, over the three.
    expect(periodOf('2030-01-15', 'daily', '2030-01-11')).toEqual({ from: '2030-01-12', to: '2030-01-14' })
    expect(periodOf('2030-01-15', 'daily', '2030-01-14')).toBeUndefined()
    expect(periodOf('2030-01-15', 'daily', '2027-06-01')).toEqual({ from: '2029-01-14', to: '2030-01-14' })
  })

  it('a new subscription starts at its next run, covering its usual period', () => {
    // Wednesday 16 January: the first weekly mail is on Monday 21st, about 14–20 January.
    expect(firstRun(new Date('2030-01-16T12:00:00Z'), { cadence: 'weekly', hour: 9, tz: MSK }))
      .toEqual({ nextRunAt: new Date('2030-01-21T06:00:00Z'), lastPeriodEnd: '2030-01-13' })
    expect(firstRun(new Date('2030-01-16T12:00:00Z'), { cadence: 'monthly', hour: 9, tz: NY }))
      .toEqual({ nextRunAt: new Date('2030-02-01T14:00:00Z'), lastPeriodEnd: '2029-12-31' })
    expect(firstRun(new Date('2030-01-16T12:00:00Z'), { cadence: 'daily', hour: 23, tz: MSK }))
      .toEqual({ nextRunAt: new Date('2030-01-16T20:00:00Z'), lastPeriodEnd: '2030-01-14' })
  })
})
