import type { Cadence } from '../../../protocol/schemas/dashboard/subscriptions.ts'
import { MAX_REPORT_DAYS } from '../../../protocol/schemas/dashboard/reports.ts'
import { addDays } from '../home/home-buckets.ts'

// When a subscription runs and what it covers, in the subscriber's zone, from Intl's zone
// rules alone (no zone library). Pure: the scheduler and its tests pass the instant in.

export type Schedule = { cadence: Cadence; hour: number; tz: string }
export type Period = { from: string; to: string }

const HOUR = 3_600_000
const DAY = 24 * HOUR
const formatters = new Map<string, Intl.DateTimeFormat>()

function wall(at: number, tz: string): { date: string; ms: number } {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formatters.set(tz, f)
  }
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, x.value]))
  const date = `${p['year']}-${p['month']}-${p['day']}`
  return { date, ms: Date.parse(`${date}T${p['hour']}:${p['minute']}:${p['second']}Z`) }
}

/** The zone's offset (local minus UTC) at an instant, whole seconds. */
const offsetAt = (at: number, tz: string) => wall(at, tz).ms - (at - (((at % 1000) + 1000) % 1000))

/** The subscriber's calendar date at an instant. */
export function localDate(at: Date, tz: string): string {
  return wall(at.getTime(), tz).date
}

/**
 * The instant `date` reads `hour`:00 on the zone's clocks. A wall time the clocks skip (spring
 * forward) becomes the instant they jump, so the run still happens that day; a wall time they
 * show twice (fall back) is its first showing, so it happens once.
 */
export function zonedInstant(date: string, hour: number, tz: string): Date {
  const local = Date.parse(`${date}T00:00:00Z`) + hour * HOUR
  // The offsets in force a day either side are the only ones a transition that day can involve.
  const candidates = [...new Set([offsetAt(local - DAY, tz), offsetAt(local + DAY, tz), offsetAt(local, tz)])]
    .map((offset) => local - offset)
  const valid = candidates.filter((at) => wall(at, tz).ms === local)
  return new Date(valid.length > 0 ? Math.min(...valid) : Math.max(...candidates))
}

/** Daily runs every day, weekly on Mondays, monthly on the 1st. */
export function isRunDay(date: string, cadence: Cadence): boolean {
  if (cadence === 'daily') return true
  if (cadence === 'weekly') return new Date(`${date}T00:00:00Z`).getUTCDay() === 1
  return date.endsWith('-01')
}

/** The first run strictly after `now`. */
export function nextRunAfter(now: Date, s: Schedule): Date {
  for (let day = addDays(localDate(now, s.tz), -1); ; day = addDays(day, 1)) {
    if (!isRunDay(day, s.cadence)) continue
    const at = zonedInstant(day, s.hour, s.tz)
    if (at > now) return at
  }
}

/** The day of the latest run at or before `now` (its local date). */
export function latestRunDay(now: Date, s: Schedule): string {
  for (let day = addDays(localDate(now, s.tz), 1); ; day = addDays(day, -1)) {
    if (isRunDay(day, s.cadence) && zonedInstant(day, s.hour, s.tz) <= now) return day
  }
}

/**
 * What the run of `runDay` covers: the day, week or month before it; or, after runs were
 * missed (the server was down), every day since the last one mailed, so each operation is in
 * exactly one mail — at most MAX_REPORT_DAYS, the longest report. Undefined when nothing is new.
 */
export function periodOf(runDay: string, cadence: Cadence, lastPeriodEnd: string | null): Period | undefined {
  const to = addDays(runDay, -1)
  if (lastPeriodEnd !== null && lastPeriodEnd >= to) return undefined
  const usual = cadence === 'daily' ? to : cadence === 'weekly' ? addDays(runDay, -7) : `${to.slice(0, 7)}-01`
  const from = lastPeriodEnd === null ? usual : addDays(lastPeriodEnd, 1)
  const earliest = addDays(to, -(MAX_REPORT_DAYS - 1))
  return { from: from < earliest ? earliest : from, to }
}

/**
 * Where a new (or resumed) subscription starts: its first run, and the day before the period
 * that run covers, as if the run before it had been mailed.
 */
export function firstRun(now: Date, s: Schedule): { nextRunAt: Date; lastPeriodEnd: string } {
  const nextRunAt = nextRunAfter(now, s)
  const period = periodOf(localDate(nextRunAt, s.tz), s.cadence, null)!
  return { nextRunAt, lastPeriodEnd: addDays(period.from, -1) }
}
