import * as v from 'valibot'
import { CurrencySchema } from '../../money.ts'

/** What a user can be told about (SPEC §14 Notifications, issue 13 item 6). */
export const NOTIFICATION_KINDS = ['callback_failed', 'payout_declined', 'refund_large', 'go_live_decided', 'report_ready', 'reconciliation_mismatch'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]
export const NotificationKindSchema = v.picklist(NOTIFICATION_KINDS)

/**
 * Email without a choice of the user's: on for the alerts about money and integration (callbacks, payouts, large refunds,
 * reconciliation mismatches);
 * off for a ready report (its maker asked for it on the screen and is usually still there) and
 * for a go-live decision, whose own mail every owner always gets (onboarding): a second one
 * would say the same. Admins and developers may choose it.
 */
export const EMAIL_BY_DEFAULT: Readonly<Record<NotificationKind, boolean>> = {
  callback_failed: true,
  payout_declined: true,
  refund_large: true,
  go_live_decided: false,
  report_ready: false,
  reconciliation_mismatch: true,
}

/** One notification of the signed-in user; the fields besides kind are what its kind carries. */
export const NotificationViewSchema = v.object({
  id: v.string(),
  kind: NotificationKindSchema,
  created_at: v.string(),
  read: v.boolean(),
  project: v.nullable(v.object({ id: v.number(), name: v.string() })),
  payment_id: v.nullable(v.string()),
  /** The payment's row id, which the payment's dashboard address holds. */
  payment_ref: v.nullable(v.string()),
  amount: v.nullable(v.number()),
  currency: v.nullable(CurrencySchema),
  /** Decline code of a payout (3028: the balance did not cover it). */
  code: v.nullable(v.string()),
  /** Last HTTP status of a callback given up, when there was an answer. */
  http_status: v.nullable(v.number()),
  decision: v.nullable(v.picklist(['approved', 'rejected'])),
  reason: v.nullable(v.string()),
  report_id: v.nullable(v.string()),
  /** The UTC day a reconciliation compared, and how many mismatches it found. */
  day: v.nullable(v.string()),
  mismatches: v.nullable(v.number()),
  test: v.boolean(),
})
export type NotificationView = v.InferOutput<typeof NotificationViewSchema>

/** A page of notifications, newest first; `next` is the cursor of the following page. */
export const NotificationPageSchema = v.object({
  notifications: v.array(NotificationViewSchema),
  unread: v.number(),
  next: v.nullable(v.string()),
})
export type NotificationPage = v.InferOutput<typeof NotificationPageSchema>

export const NotificationQuerySchema = v.object({
  before: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, 'must be a notification id'))),
})

export const UnreadCountSchema = v.object({ unread: v.number() })

/** Email on or off per kind; in the dashboard every kind is always shown. */
export const NotificationSettingsSchema = v.object({
  email: v.object(Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, v.boolean()])) as Record<NotificationKind, v.BooleanSchema<undefined>>),
})
export type NotificationSettings = v.InferOutput<typeof NotificationSettingsSchema>

/**
 * The most the large-refund threshold may be, in major units. A billion leaves room for
 * currencies whose unit is worth little (1 000 000 000 VND ≈ 37 000 EUR), and times the largest
 * exponent (3) it stays far inside `bigint`, where the refund's check multiplies it.
 */
export const LARGE_REFUND_MAX_MAJOR = 1_000_000_000

/** The organisation's large-refund threshold: a whole number of major units of the refund's currency. */
export const LargeRefundMajorSchema = v.pipe(
  v.number('must be a number'),
  v.integer('must be a whole number of major units'),
  v.minValue(1, 'must be at least 1'),
  v.maxValue(LARGE_REFUND_MAX_MAJOR, `must be at most ${LARGE_REFUND_MAX_MAJOR}`),
)

/** `PUT /api/dashboard/organisation/notification-settings`: what owners and admins change for the whole organisation. */
export const OrgNotificationSettingsBodySchema = v.object({ large_refund_major: LargeRefundMajorSchema })

/**
 * The organisation's notification settings as its members see them; `editable` says whether
 * this user may change them (owners, and admins over every project of the organisation).
 */
export const OrgNotificationSettingsSchema = v.object({ large_refund_major: v.number(), editable: v.boolean() })
export type OrgNotificationSettings = v.InferOutput<typeof OrgNotificationSettingsSchema>
