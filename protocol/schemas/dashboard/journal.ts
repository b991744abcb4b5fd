import * as v from 'valibot'
import { TimestampSchema } from './common.ts'

/** What the journal records (SPEC §14): sign-ins, failures and every dashboard action. */
export const JOURNAL_ACTIONS = [
  'sign_in', 'sign_in_failed', 'sign_in_throttled', 'sign_out', 'second_factor_failed', 'recovery_code_used',
  'totp_enabled', 'totp_disabled', 'recovery_codes_renewed', 'password_changed', 'password_reset_requested', 'password_reset',
  'session_revoked', 'language_changed',
  'invitation_sent', 'invitation_accepted', 'member_updated', 'member_disabled', 'member_enabled', 'member_totp_reset',
  'project_created', 'project_updated', 'project_limits_updated', 'project_secret_rotated',
  'journal_exported', 'org_created',
  'payment_refunded', 'payment_captured', 'payment_cancelled', 'payout_requested', 'callback_resent', 'payments_exported', 'report_requested', 'report_subscribed', 'report_subscription_changed', 'report_unsubscribed', 'invoice_created', 'invoice_cancelled', 'invoice_sent', 'project_connected', 'project_disconnected', 'user_created', 'user_disabled', 'csrf_refused',
  'org_registered', 'golive_document_uploaded', 'golive_document_removed', 'golive_document_downloaded', 'golive_requested', 'golive_approved', 'golive_rejected',
  'org_suspended', 'org_reinstated',
  'reconciliation_mismatch',
  'notification_settings_changed', 'large_refund_threshold_changed',
] as const
export type JournalAction = (typeof JOURNAL_ACTIONS)[number]

export const JournalEntrySchema = v.object({
  id: v.string(),
  at: TimestampSchema,
  actor_id: v.nullable(v.string()),
  actor_email: v.nullable(v.string()),
  ip: v.nullable(v.string()),
  user_agent: v.nullable(v.string()),
  action: v.picklist(JOURNAL_ACTIONS),
  project_id: v.nullable(v.number()),
  target: v.nullable(v.string()),
  before: v.nullable(v.unknown()),
  after: v.nullable(v.unknown()),
})
export type JournalEntry = v.InferOutput<typeof JournalEntrySchema>

const optionalText = (max: number) => v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max)))

/** Journal filters, all in the URL: period, user (email), action, project; `cursor` pages back in time. */
export const JournalQuerySchema = v.object({
  from: v.optional(TimestampSchema),
  to: v.optional(TimestampSchema),
  user: optionalText(254),
  action: v.optional(v.picklist(JOURNAL_ACTIONS)),
  project: v.optional(v.pipe(v.string(), v.regex(/^\d{1,16}$/), v.transform(Number))),
  cursor: v.optional(v.pipe(v.string(), v.regex(/^\d{1,19}$/))),
})
export type JournalQuery = v.InferInput<typeof JournalQuerySchema>
export const JournalPageSchema = v.object({ entries: v.array(JournalEntrySchema), next_cursor: v.nullable(v.string()) })
export type JournalPage = v.InferOutput<typeof JournalPageSchema>

/** The hash chain checked end to end: rows changed, removed or reordered are named. */
export const JournalVerifySchema = v.object({
  ok: v.boolean(),
  checked: v.number(),
  problems: v.array(v.object({ chain: v.string(), seq: v.number(), reason: v.string() })),
})
export type JournalVerify = v.InferOutput<typeof JournalVerifySchema>
