import * as v from 'valibot'
import { DASHBOARD_LANGUAGES, EmailSchema, LinkTokenSchema, OrgIdSchema, PasswordSchema, ProjectIdSchema, TimestampSchema } from './common.ts'
import { ProjectSecretSchema } from './projects.ts'

/** The largest go-live document EPay keeps (SPEC §14: size checked). */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
/** Types a go-live document may have, judged by its first bytes, never by its name. */
export const DOCUMENT_TYPES = ['application/pdf', 'image/png', 'image/jpeg'] as const
export type DocumentType = (typeof DOCUMENT_TYPES)[number]
/** Documents a project may hold waiting for its request, so uploads cannot fill the database. */
export const MAX_WAITING_DOCUMENTS = 10

const OrgNameSchema = v.pipe(v.string(), v.trim(), v.minLength(2, 'must be at least 2 characters'), v.maxLength(120, 'is too long'))

/** `GET /auth/sign-up`: whether this server takes registrations (`EPAY_SIGNUP=1`). */
export const SignUpStatusSchema = v.object({ enabled: v.boolean() })
/** `POST /auth/sign-up`: the address to verify and the organisation to create once it is. */
export const SignUpBodySchema = v.object({ email: EmailSchema, organisation: OrgNameSchema, language: v.optional(v.picklist(DASHBOARD_LANGUAGES), 'en') })
export const SignUpTokenSchema = v.object({ token: LinkTokenSchema })
/** What a verification link shows before the password is chosen. */
export const SignUpViewSchema = v.object({ email: v.string(), organisation: v.string() })
export type SignUpView = v.InferOutput<typeof SignUpViewSchema>
export const VerifySignUpBodySchema = v.object({ token: LinkTokenSchema, password: PasswordSchema })
/** Verified: signed in, with the first project (test mode) and its secret, shown this once. */
export const VerifySignUpResultSchema = v.object({ csrf_token: v.string(), created: ProjectSecretSchema })
export type VerifySignUpResult = v.InferOutput<typeof VerifySignUpResultSchema>

export const GoLiveIdSchema = v.pipe(v.string(), v.regex(/^glr_[A-Za-z0-9_-]{8,40}$/, 'must be a go-live request id'))
export const DocumentIdSchema = v.pipe(v.string(), v.regex(/^doc_[A-Za-z0-9_-]{8,40}$/, 'must be a document id'))

export const DocumentViewSchema = v.object({
  id: DocumentIdSchema,
  file_name: v.string(),
  content_type: v.picklist(DOCUMENT_TYPES),
  size: v.number(),
  uploaded_at: TimestampSchema,
})
export type DocumentView = v.InferOutput<typeof DocumentViewSchema>

export const GO_LIVE_STATUSES = ['pending', 'approved', 'rejected'] as const
export const GoLiveRequestViewSchema = v.object({
  id: GoLiveIdSchema,
  org_id: OrgIdSchema,
  project_id: ProjectIdSchema,
  project_name: v.string(),
  status: v.picklist(GO_LIVE_STATUSES),
  note: v.nullable(v.string()),
  requested_by: v.string(),
  requested_at: TimestampSchema,
  decided_at: v.nullable(TimestampSchema),
  reason: v.nullable(v.string()),
  documents: v.array(DocumentViewSchema),
})
export type GoLiveRequestView = v.InferOutput<typeof GoLiveRequestViewSchema>

/** `GET /projects/:project/go-live`: documents waiting for a request, and the requests made. */
export const GoLiveViewSchema = v.object({
  test_mode: v.boolean(),
  waiting: v.array(DocumentViewSchema),
  requests: v.array(GoLiveRequestViewSchema),
})
export type GoLiveView = v.InferOutput<typeof GoLiveViewSchema>
export const GoLiveBodySchema = v.object({ note: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(1000, 'is too long'))) })

/** A reason a platform operator gives: required to reject or suspend, shown to the merchant. */
export const DecisionReasonSchema = v.object({ reason: v.pipe(v.string(), v.trim(), v.minLength(3, 'must be at least 3 characters'), v.maxLength(1000, 'is too long')) })

export const OrgStatusSchema = v.picklist(['active', 'suspended'])
export const PlatformOrgSchema = v.object({
  id: OrgIdSchema,
  name: v.string(),
  status: OrgStatusSchema,
  created_at: TimestampSchema,
  projects: v.number(),
  live_projects: v.number(),
  pending_requests: v.number(),
  owners: v.array(v.string()),
})
export type PlatformOrg = v.InferOutput<typeof PlatformOrgSchema>
export const PlatformOrgListSchema = v.object({ organisations: v.array(PlatformOrgSchema) })

export const PlatformOrgDetailSchema = v.object({
  organisation: v.object({ ...PlatformOrgSchema.entries, suspended_at: v.nullable(TimestampSchema), suspended_reason: v.nullable(v.string()) }),
  projects: v.array(v.object({ id: ProjectIdSchema, name: v.string(), test_mode: v.boolean() })),
  requests: v.array(GoLiveRequestViewSchema),
})
export type PlatformOrgDetail = v.InferOutput<typeof PlatformOrgDetailSchema>
