import type { Role } from '../../../protocol/schemas/dashboard/common.ts'

/** A dashboard user as the access checks see it. */
export type DashboardUser = {
  id: string
  /** `null` only for platform operators. */
  orgId: string | null
  email: string
  role: Role
  /** Projects the user is narrowed to; `null` means all of the organisation's. */
  projectIds: number[] | null
  passwordHash: string | null
  language: 'en' | 'ru'
  totpSecret: string | null
  totpEnabled: boolean
  totpLastStep: number | null
  disabledAt: Date | null
  lastSignInAt: Date | null
  createdAt: Date
}

/** The organisation and id of a project, which is all scope checks need. */
export type ProjectRef = { id: number; orgId: string | null }

/**
 * Tells whether `user` may see `project`: platform operators see all; others only their own
 * organisation's, and of those only the ones they are narrowed to.
 */
export function projectInScope(user: Pick<DashboardUser, 'role' | 'orgId' | 'projectIds'>, project: ProjectRef): boolean {
  if (user.role === 'platform') return true
  if (project.orgId === null || project.orgId !== user.orgId) return false
  return user.projectIds === null || user.projectIds.includes(project.id)
}

/**
 * Tells whether a scope `inner` lies within `outer` (`null` = every project). A narrowed
 * admin may only hand out, and only manage members with, scopes inside their own, so
 * narrowing cannot be escaped by inviting a wider accomplice.
 */
export function scopeWithin(inner: number[] | null, outer: number[] | null): boolean {
  if (outer === null) return true
  if (inner === null) return false
  return inner.every((id) => outer.includes(id))
}
