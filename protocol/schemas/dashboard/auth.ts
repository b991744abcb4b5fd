import * as v from 'valibot'
import { AnyPasswordSchema, DASHBOARD_LANGUAGES, EmailSchema, LinkTokenSchema, MemberRoleSchema, OrgIdSchema, PasswordSchema, ProjectIdSchema, RoleSchema, TimestampSchema, UserIdSchema } from './common.ts'

/** `POST /api/dashboard/auth/sign-in`. */
export const SignInBodySchema = v.object({ email: EmailSchema, password: AnyPasswordSchema })
/** Signed in, or a second factor is needed next (the session cookie then allows only that step). */
export const SignInResultSchema = v.object({ next: v.picklist(['done', 'totp']), csrf_token: v.string() })
export type SignInResult = v.InferOutput<typeof SignInResultSchema>

/** `POST /api/dashboard/auth/totp`: a 6-digit code or one of the recovery codes. */
export const SecondFactorBodySchema = v.union([
  v.object({ code: v.pipe(v.string(), v.regex(/^\d{6}$/, 'must be 6 digits')) }),
  v.object({ recovery_code: v.pipe(v.string(), v.trim(), v.regex(/^[A-Za-z0-9-]{10,14}$/, 'is not a recovery code')) }),
])

export const ResetRequestBodySchema = v.object({ email: EmailSchema })
export const ResetConfirmBodySchema = v.object({ token: LinkTokenSchema, password: PasswordSchema })

/** What an invitation link shows before the password is set. */
export const InvitationViewSchema = v.object({ email: v.string(), organisation: v.string(), role: MemberRoleSchema })
export type InvitationView = v.InferOutput<typeof InvitationViewSchema>
export const InvitationQuerySchema = v.object({ token: LinkTokenSchema })
export const AcceptInvitationBodySchema = v.object({ token: LinkTokenSchema, password: PasswordSchema })

/** Projects the signed-in user may open, for navigation. */
export const ProjectSummarySchema = v.object({ id: ProjectIdSchema, name: v.string(), test_mode: v.boolean() })

/** `GET /api/dashboard/me`: who is signed in, what they may do, and the CSRF token for mutating calls. */
export const MeViewSchema = v.object({
  user: v.object({ id: UserIdSchema, email: v.string(), role: RoleSchema, projects: v.nullable(v.array(ProjectIdSchema)), totp: v.boolean(), language: v.picklist(DASHBOARD_LANGUAGES) }),
  organisation: v.nullable(v.object({ id: OrgIdSchema, name: v.string() })),
  /** Actions the server allows this user (the UI only hides what the server refuses anyway). */
  permissions: v.array(v.string()),
  projects: v.array(ProjectSummarySchema),
  /** Owners and admins of an organisation with a live project must enrol a second factor first. */
  totp_required: v.boolean(),
  csrf_token: v.string(),
  /** Demo mode without SMTP: mail is kept and readable at /dashboard/dev/mail. */
  dev_mail: v.boolean(),
})
export type MeView = v.InferOutput<typeof MeViewSchema>

export const SessionItemSchema = v.object({
  id: v.string(),
  created_at: TimestampSchema,
  last_seen_at: TimestampSchema,
  expires_at: TimestampSchema,
  ip: v.string(),
  user_agent: v.string(),
  current: v.boolean(),
})
export const SessionListSchema = v.object({ sessions: v.array(SessionItemSchema) })
export type SessionItem = v.InferOutput<typeof SessionItemSchema>

export const SessionIdParamSchema = v.pipe(v.string(), v.regex(/^dss_[A-Za-z0-9_-]{8,40}$/, 'must be a session id'))

export const ChangePasswordBodySchema = v.object({ current_password: AnyPasswordSchema, password: PasswordSchema })
export const LanguageBodySchema = v.object({ language: v.picklist(DASHBOARD_LANGUAGES) })

/** Enrolment of a TOTP second factor: the secret, its otpauth URI and a QR code of it (SVG). */
export const TotpEnrolmentSchema = v.object({ secret: v.string(), uri: v.string(), qr_svg: v.string() })
export type TotpEnrolment = v.InferOutput<typeof TotpEnrolmentSchema>
export const TotpConfirmBodySchema = v.object({ code: v.pipe(v.string(), v.regex(/^\d{6}$/, 'must be 6 digits')) })
export const RecoveryCodesSchema = v.object({ recovery_codes: v.array(v.string()) })
export type RecoveryCodes = v.InferOutput<typeof RecoveryCodesSchema>
/** Turning the second factor off or making new recovery codes asks for the password again. */
export const PasswordConfirmBodySchema = v.object({ password: AnyPasswordSchema })
