import * as v from 'valibot'
import { CurrencySchema } from '../../money.ts'
import { PAGE_METHODS, ThemeSchema } from '../page-api.ts'
import { OrgIdSchema, ProjectIdSchema, TimestampSchema } from './common.ts'

const url = v.pipe(v.string(), v.trim(), v.maxLength(2048, 'is too long'), v.url('must be an absolute URL'), v.regex(/^https?:\/\//i, 'must be an http(s) URL'))

/** An exact origin (scheme, host, port; no path): who may frame the page and get widget messages. */
export const OriginSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(300, 'is too long'),
  v.regex(/^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i, 'must be an origin such as https://shop.example (no path)'),
  v.toLowerCase(),
)
/** A host return URLs may point at (`host` or `host:port`). */
export const ReturnHostSchema = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(260, 'is too long'),
  v.regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i, 'must be a host such as shop.example'),
  v.toLowerCase(),
)
export const PageMethodSchema = v.picklist(PAGE_METHODS, 'unknown method')
export const ProjectNameSchema = v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'))

/**
 * A project's settings as the dashboard and the CLI change them; both validate with this one
 * schema (server/storage/project-store.ts runs it on every write).
 */
export const ProjectSettingsSchema = v.object({
  name: ProjectNameSchema,
  callback_url: v.nullable(url),
  allowed_origins: v.pipe(v.array(OriginSchema), v.maxLength(50, 'at most 50 origins')),
  return_hosts: v.pipe(v.array(ReturnHostSchema), v.maxLength(50, 'at most 50 hosts')),
  /** Methods the page offers, among those that fit the payment. */
  methods: v.pipe(v.array(PageMethodSchema), v.minLength(1, 'choose at least one method')),
  /** The page's look when the payment signs no `theme` of its own. */
  theme: v.nullable(ThemeSchema),
})
export type ProjectSettings = v.InferOutput<typeof ProjectSettingsSchema>
export const ProjectSettingsPatchSchema = v.partial(ProjectSettingsSchema)

/** `POST /api/dashboard/projects`: a new project, always in test mode. */
export const ProjectCreateBodySchema = v.object({
  name: ProjectNameSchema,
  callback_url: v.optional(v.nullable(url)),
  allowed_origins: v.optional(ProjectSettingsSchema.entries.allowed_origins),
  return_hosts: v.optional(ProjectSettingsSchema.entries.return_hosts),
})

export const LIMIT_OPERATIONS = ['sale', 'auth', 'recurring', 'refund', 'payout'] as const
const limitAmount = v.nullable(v.pipe(v.number(), v.safeInteger('must be an integer in minor units'), v.minValue(1, 'must be positive')))

/** One limit row: per operation and currency, in minor units; `null` means "no limit". */
export const LimitRowSchema = v.pipe(
  v.object({
    operation: v.picklist(LIMIT_OPERATIONS, 'unknown operation'),
    currency: CurrencySchema,
    min_amount: limitAmount,
    max_amount: limitAmount,
    daily_amount: limitAmount,
    daily_count: limitAmount,
    monthly_amount: limitAmount,
    monthly_count: limitAmount,
  }),
  v.check((r) => r.min_amount === null || r.max_amount === null || r.min_amount <= r.max_amount, 'the minimum must not exceed the maximum'),
  v.check((r) => r.daily_amount === null || r.monthly_amount === null || r.daily_amount <= r.monthly_amount, 'the daily amount must not exceed the monthly amount'),
  v.check((r) => r.daily_count === null || r.monthly_count === null || r.daily_count <= r.monthly_count, 'the daily count must not exceed the monthly count'),
)
export type LimitRow = v.InferOutput<typeof LimitRowSchema>
/** `PUT /api/dashboard/projects/:id/limits`: the whole list; rows left out are removed. */
export const LimitsBodySchema = v.pipe(
  v.object({ limits: v.pipe(v.array(LimitRowSchema), v.maxLength(200)) }),
  v.check((b) => new Set(b.limits.map((l) => `${l.operation}:${l.currency}`)).size === b.limits.length, 'one row per operation and currency'),
)

export const ProjectViewSchema = v.object({
  id: ProjectIdSchema,
  org_id: v.nullable(OrgIdSchema),
  name: v.string(),
  test_mode: v.boolean(),
  callback_url: v.nullable(v.string()),
  allowed_origins: v.array(v.string()),
  return_hosts: v.array(v.string()),
  methods: v.array(PageMethodSchema),
  theme: v.nullable(ThemeSchema),
  /** Until when the previous secret still verifies after a rotation. */
  previous_secret_valid_until: v.nullable(TimestampSchema),
  limits: v.array(LimitRowSchema),
  created_at: TimestampSchema,
})
export type ProjectView = v.InferOutput<typeof ProjectViewSchema>
export const ProjectListSchema = v.object({ projects: v.array(ProjectViewSchema) })

/** The secret, shown once (on creation and rotation), never readable afterwards. */
export const ProjectSecretSchema = v.object({ project: ProjectViewSchema, secret: v.string() })
export type ProjectSecret = v.InferOutput<typeof ProjectSecretSchema>

/** Rotation: the old secret keeps verifying for 24 hours, or stops at once (`revoke_old`). */
export const RotateSecretBodySchema = v.object({ revoke_old: v.boolean() })
