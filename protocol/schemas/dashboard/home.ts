import * as v from 'valibot'
import { CurrencySchema } from '../../money.ts'

/** Chart buckets of the home screen. */
export const GRANULARITIES = ['hour', 'day', 'month'] as const
export type Granularity = (typeof GRANULARITIES)[number]

/** Longest period the home screen answers for, in days, per granularity (bounds the work and the chart). */
export const MAX_PERIOD_DAYS: Record<Granularity, number> = { hour: 31, day: 366, month: 1096 }

export const LocalDateSchema = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date (YYYY-MM-DD)'), v.check((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), 'must be a real date'))

/** An IANA time zone the runtime knows (the user's day is that zone's day). */
export const TimeZoneSchema = v.pipe(v.string(), v.maxLength(64), v.regex(/^[A-Za-z][A-Za-z0-9_+\-/]*$/, 'must be a time zone'), v.check((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}, 'must be a time zone'))

/** Test payments or live money: the home screen never mixes the two (docs/dashboard.md). */
export const HOME_MODES = ['live', 'test'] as const
export type HomeMode = (typeof HOME_MODES)[number]

/**
 * Home filters, all in the URL: the period as the user's dates (both inclusive) in their time
 * zone, the currency (figures are never summed across currencies), project, method, country
 * (ISO 3166-1 alpha-2) and mode; without a mode the server picks one and says which.
 */
export const HomeQuerySchema = v.pipe(
  v.object({
    from: LocalDateSchema,
    to: LocalDateSchema,
    tz: TimeZoneSchema,
    granularity: v.optional(v.picklist(GRANULARITIES), 'day'),
    currency: v.optional(CurrencySchema),
    project: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, 'must be a project id'), v.transform(Number))),
    method: v.optional(v.pipe(v.string(), v.regex(/^[a-z0-9_-]{1,32}$/, 'must be a method'))),
    country: v.optional(v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code (capitals)'))),
    mode: v.optional(v.picklist(HOME_MODES)),
  }),
  v.check((q) => q.from <= q.to, 'from must not be after to'),
  v.check((q) => periodDays(q.from, q.to) <= MAX_PERIOD_DAYS[q.granularity], 'the period is too long for this granularity'),
)
export type HomeQuery = v.InferInput<typeof HomeQuerySchema>

/** Days from `from` to `to`, both inclusive (calendar dates, no time zone involved). */
export function periodDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}

/** Figures of one period in one currency; sums in minor units. */
export const HomeFiguresSchema = v.object({
  paid_sum: v.number(),
  paid_count: v.number(),
  refund_sum: v.number(),
  refund_count: v.number(),
  payout_sum: v.number(),
  payout_count: v.number(),
  /** Purchases opened in the period, and of those the ones that were paid (conversion = converted / opened). */
  opened: v.number(),
  converted: v.number(),
  /** paid_sum / paid_count rounded half up, or 0. */
  average_ticket: v.number(),
})
export type HomeFigures = v.InferOutput<typeof HomeFiguresSchema>

const SeriesSchema = v.object({ paid_sum: v.array(v.number()), paid_count: v.array(v.number()) })

export const HomeViewSchema = v.object({
  /** The mode the figures are for: the one asked, or the default (live when a project in scope is live). */
  mode: v.picklist(HOME_MODES),
  /** The currency of every figure below; `null` when nothing happened in the period. */
  currency: v.nullable(v.string()),
  /** Currencies with activity in the period, for the currency switch. */
  currencies: v.array(v.string()),
  current: HomeFiguresSchema,
  previous: HomeFiguresSchema,
  /** The period right before, of the same number of days. */
  previous_from: v.string(),
  previous_to: v.string(),
  /** Bucket labels in the user's wall-clock time (`YYYY-MM-DDTHH:00`); previous-period arrays align by index. */
  buckets: v.array(v.string()),
  series: SeriesSchema,
  previous_series: SeriesSchema,
  /** Paid money of the period by country (`null`: unknown), the most paid first. */
  countries: v.array(v.object({ country: v.nullable(v.string()), paid_sum: v.number(), paid_count: v.number() })),
  declines: v.array(v.object({ code: v.nullable(v.string()), message: v.nullable(v.string()), count: v.number() })),
})
export type HomeView = v.InferOutput<typeof HomeViewSchema>
