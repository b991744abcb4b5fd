import * as v from 'valibot'
import { EmailSchema, ProjectIdSchema } from './common.ts'
import { HOME_MODES, TimeZoneSchema } from './home.ts'
import { REPORT_FORMATS, REPORT_KINDS, REPORT_STATUSES } from './reports.ts'

/**
 * Daily: each day, the day before. Weekly: each Monday, the Monday-to-Sunday week before.
 * Monthly: each 1st, the month before. Days are the subscriber's, in their time zone.
 */
export const CADENCES = ['daily', 'weekly', 'monthly'] as const
export type Cadence = (typeof CADENCES)[number]
/** Addresses one subscription mails to: enough for a team, too few to make it a mailing list. */
export const MAX_RECIPIENTS = 10
/** Subscriptions one user may keep. */
export const MAX_SUBSCRIPTIONS = 20

export const SubscriptionBodySchema = v.object({
  report: v.picklist(REPORT_KINDS),
  format: v.picklist(REPORT_FORMATS),
  mode: v.picklist(HOME_MODES),
  project: v.optional(ProjectIdSchema),
  cadence: v.picklist(CADENCES),
  /** The local hour the mail is sent at, in `tz`. */
  hour: v.pipe(v.number(), v.integer('must be an hour'), v.minValue(0, 'must be an hour'), v.maxValue(23, 'must be an hour')),
  tz: TimeZoneSchema,
  recipients: v.pipe(
    v.array(EmailSchema),
    v.minLength(1, 'needs at least one address'),
    v.maxLength(MAX_RECIPIENTS, `at most ${MAX_RECIPIENTS} addresses`),
    v.check((list) => new Set(list).size === list.length, 'lists an address twice'),
  ),
})
export type SubscriptionBody = v.InferOutput<typeof SubscriptionBodySchema>

/** Pause or resume; a resumed subscription starts again from its next run, not from where it stopped. */
export const SubscriptionPatchSchema = v.object({ active: v.boolean() })

export const SubscriptionViewSchema = v.object({
  id: v.string(),
  report: v.picklist(REPORT_KINDS),
  format: v.picklist(REPORT_FORMATS),
  mode: v.picklist(HOME_MODES),
  project: v.nullable(v.number()),
  cadence: v.picklist(CADENCES),
  hour: v.number(),
  tz: v.string(),
  recipients: v.array(v.string()),
  active: v.boolean(),
  /** When the next report is mailed (null while paused). */
  next_run_at: v.nullable(v.string()),
  /** The last day the mailed reports covered (the subscriber's date), null before the first. */
  last_period_end: v.nullable(v.string()),
  /** How the latest run went: its report job's status. */
  last_status: v.nullable(v.picklist(REPORT_STATUSES)),
  created_at: v.string(),
})
export type SubscriptionView = v.InferOutput<typeof SubscriptionViewSchema>

export const SubscriptionListSchema = v.object({ subscriptions: v.array(SubscriptionViewSchema) })
