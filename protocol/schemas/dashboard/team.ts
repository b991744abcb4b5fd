import * as v from 'valibot'
import { EmailSchema, MemberRoleSchema, ProjectScopeSchema, TimestampSchema, UserIdSchema } from './common.ts'

export const MEMBER_STATUSES = ['active', 'invited', 'disabled'] as const

export const MemberViewSchema = v.object({
  id: UserIdSchema,
  email: v.string(),
  role: MemberRoleSchema,
  projects: v.nullable(v.array(v.number())),
  status: v.picklist(MEMBER_STATUSES),
  totp: v.boolean(),
  last_sign_in_at: v.nullable(TimestampSchema),
  created_at: TimestampSchema,
})
export type MemberView = v.InferOutput<typeof MemberViewSchema>
export const TeamViewSchema = v.object({ members: v.array(MemberViewSchema) })

/** `POST /api/dashboard/team/invitations`: an emailed single-use link (7 days). */
export const InviteBodySchema = v.object({ email: EmailSchema, role: MemberRoleSchema, projects: ProjectScopeSchema })
export const UpdateMemberBodySchema = v.object({ role: MemberRoleSchema, projects: ProjectScopeSchema })
