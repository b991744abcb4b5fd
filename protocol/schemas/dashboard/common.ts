import * as v from 'valibot'

/**
 * Roles of SPEC §14. `platform` belongs to no organisation and sees every one; the others
 * belong to one organisation, optionally narrowed to some of its projects.
 */
export const ROLES = ['owner', 'admin', 'manager', 'viewer', 'developer', 'platform'] as const
export type Role = (typeof ROLES)[number]
export const RoleSchema = v.picklist(ROLES, 'unknown role')

/** Roles a member of an organisation can hold (not `platform`). */
export const MEMBER_ROLES = ['owner', 'admin', 'manager', 'viewer', 'developer'] as const
export type MemberRole = (typeof MEMBER_ROLES)[number]
export const MemberRoleSchema = v.picklist(MEMBER_ROLES, 'unknown role')

/** Languages of the dashboard's catalogues. */
export const DASHBOARD_LANGUAGES = ['en', 'ru'] as const
export type DashboardLanguage = (typeof DASHBOARD_LANGUAGES)[number]

/** Passwords: 12 characters at least (SPEC §14); the upper bound keeps hashing cheap to refuse. */
export const MIN_PASSWORD_LENGTH = 12
export const MAX_PASSWORD_LENGTH = 256
/** The least zxcvbn score (0–4) a new password must reach, on the meter and on the server alike. */
export const MIN_PASSWORD_SCORE = 3

export const EmailSchema = v.pipe(v.string(), v.trim(), v.toLowerCase(), v.maxLength(254, 'is too long'), v.email('must be an email address'))
export const PasswordSchema = v.pipe(
  v.string(),
  v.minLength(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`),
  v.maxLength(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
)
/** What sign-in takes as a password: any length, so an old short one is refused as wrong, not as malformed. */
export const AnyPasswordSchema = v.pipe(v.string(), v.maxLength(MAX_PASSWORD_LENGTH, 'is too long'))

/** A protocol `project_id`: a positive safe integer. */
export const ProjectIdSchema = v.pipe(v.number(), v.safeInteger('must be an integer'), v.minValue(1, 'must be positive'))
/** Project ids in a URL path. */
export const ProjectIdParamSchema = v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, 'must be a project id'), v.transform(Number), ProjectIdSchema)

export const OrgIdSchema = v.pipe(v.string(), v.regex(/^org_[A-Za-z0-9_-]{4,40}$/, 'must be an organisation id'))
export const UserIdSchema = v.pipe(v.string(), v.regex(/^usr_[A-Za-z0-9_-]{4,40}$/, 'must be a user id'))

/** Project scope of a member: `null` means every project of the organisation. */
export const ProjectScopeSchema = v.nullable(v.pipe(v.array(ProjectIdSchema), v.minLength(1, 'name at least one project'), v.maxLength(500)))

/** A single-use token from an emailed link (256 bits, base64url). */
export const LinkTokenSchema = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{40,64}$/, 'is not a valid link'))

/** Timestamps on the wire: ISO 8601 with offset. */
export const TimestampSchema = v.pipe(v.string(), v.isoTimestamp())

/** An empty successful answer. */
export const OkSchema = v.object({ ok: v.literal(true) })
export type Ok = v.InferOutput<typeof OkSchema>
