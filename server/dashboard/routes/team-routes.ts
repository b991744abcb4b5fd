import { randomBytes } from 'node:crypto'
import type { Hono } from 'hono'
import type { MemberRole } from '../../../protocol/schemas/dashboard/common.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { MemberView } from '../../../protocol/schemas/dashboard/team.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import { scopeWithin, type DashboardUser } from '../access/dashboard-user.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { inviteMail } from '../mail/messages.ts'

/** The team screen's calls (SPEC §14): invite, role and scope, disable, reset a second factor. */
export function teamRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  const manage = { auth: 'user', permission: 'team.manage' } as const

  mount(app, deps, ENDPOINTS.team, { auth: 'user', permission: 'team.read' }, async ({ user }) => {
    const u = user!
    const members = (await deps.users.list(u.role === 'platform' ? null : u.orgId)).filter((m) => m.role !== 'platform' && scopeWithin(m.projectIds, u.projectIds))
    return { members: members.map(toMemberView) }
  })

  mount(app, deps, ENDPOINTS.invite, manage, async ({ user, body, meta, entry }) => {
    const actor = user!
    await assertGrantable(deps, actor, body.role, body.projects)
    let member = await deps.users.byEmail(body.email)
    if (member && !(member.orgId === actor.orgId && member.passwordHash === null)) throw new PaymentError('email_taken', 'this address already has an account', { param: 'email' })
    member = member
      ? (await deps.users.setRole(member.id, body.role, body.projects, meta.now))!
      : await deps.users.add({ id: `usr_${randomBytes(12).toString('base64url')}`, orgId: actor.orgId, email: body.email, role: body.role, projectIds: body.projects, passwordHash: null, now: meta.now })
    const token = await deps.links.issue('invite', member.id, meta.now)
    const org = (await deps.orgs.get(actor.orgId!))!
    await deps.mailer.send(inviteMail(actor.language, member.email, `${deps.publicUrl}/dashboard/invitation#${token}`, org.name, actor.email, body.role))
    await journal(deps, entry({ action: 'invitation_sent', target: member.email, after: { role: body.role, projects: body.projects } }))
    return toMemberView(member)
  })

  mount(app, deps, ENDPOINTS.updateMember, manage, async ({ user, member, body, meta, entry }) => {
    await assertManageable(deps, user!, member!)
    await assertGrantable(deps, user!, body.role, body.projects)
    if (member!.role === 'owner' && body.role !== 'owner') await assertNotLastOwner(deps, member!)
    const updated = (await deps.users.setRole(member!.id, body.role, body.projects, meta.now))!
    await journal(deps, entry({ action: 'member_updated', target: member!.email, before: { role: member!.role, projects: member!.projectIds }, after: { role: body.role, projects: body.projects } }))
    return toMemberView(updated)
  })

  mount(app, deps, ENDPOINTS.disableMember, manage, async ({ user, member, meta, entry }) => {
    await assertManageable(deps, user!, member!)
    if (member!.id === user!.id) throw new PaymentError('forbidden', 'you cannot disable yourself')
    if (member!.role === 'owner') await assertNotLastOwner(deps, member!)
    const updated = (await deps.users.setDisabled(member!.id, meta.now, meta.now))!
    await deps.sessions.revokeAll(member!.id, meta.now)
    await journal(deps, entry({ action: 'member_disabled', target: member!.email }))
    return toMemberView(updated)
  })

  mount(app, deps, ENDPOINTS.enableMember, manage, async ({ user, member, meta, entry }) => {
    await assertManageable(deps, user!, member!)
    const updated = (await deps.users.setDisabled(member!.id, null, meta.now))!
    await journal(deps, entry({ action: 'member_enabled', target: member!.email }))
    return toMemberView(updated)
  })

  mount(app, deps, ENDPOINTS.resetMemberTotp, manage, async ({ user, member, meta, entry }) => {
    await assertManageable(deps, user!, member!)
    if (member!.id === user!.id) throw new PaymentError('forbidden', 'turn your own two-factor authentication off in your security settings')
    const updated = (await deps.users.setTotp(member!.id, null, false, meta.now))!
    await deps.users.replaceRecoveryCodes(member!.id, [])
    // Whoever held the lost phone may also hold a session: the member signs in afresh.
    await deps.sessions.revokeAll(member!.id, meta.now)
    await journal(deps, entry({ action: 'member_totp_reset', target: member!.email }))
    return toMemberView(updated)
  })
}

function toMemberView(m: DashboardUser): MemberView {
  return {
    id: m.id,
    email: m.email,
    role: m.role as MemberRole,
    projects: m.projectIds,
    status: m.disabledAt ? 'disabled' : m.passwordHash === null ? 'invited' : 'active',
    totp: m.totpEnabled,
    last_sign_in_at: m.lastSignInAt?.toISOString() ?? null,
    created_at: m.createdAt.toISOString(),
  }
}

/** Admins manage everyone but owners; only owners manage owners (SPEC §14). */
async function assertManageable(_deps: DashboardDeps, actor: DashboardUser, member: DashboardUser): Promise<void> {
  if (member.role === 'owner' && actor.role !== 'owner') throw new PaymentError('forbidden', 'only an owner can change an owner')
}

/**
 * A role and scope the actor may hand out: `owner` only by an owner, owners never narrowed,
 * scopes only inside the actor's own and only of the organisation's projects.
 */
async function assertGrantable(deps: DashboardDeps, actor: DashboardUser, role: MemberRole, projects: number[] | null): Promise<void> {
  if (role === 'owner' && actor.role !== 'owner') throw new PaymentError('forbidden', 'only an owner can make an owner')
  if (role === 'owner' && projects !== null) throw new PaymentError('validation_failed', 'owners have every project', { param: 'projects' })
  if (!scopeWithin(projects, actor.projectIds)) throw new PaymentError('forbidden', 'you can only give access to your own projects')
  if (projects) {
    const own = new Set((await deps.projectSettings.list(actor.orgId!, null)).map((p) => p.id))
    const unknown = projects.find((id) => !own.has(id))
    if (unknown !== undefined) throw new PaymentError('validation_failed', `project ${unknown} is not in this organisation`, { param: 'projects' })
  }
}

async function assertNotLastOwner(deps: DashboardDeps, member: DashboardUser): Promise<void> {
  if (!member.disabledAt && (await deps.users.activeOwners(member.orgId!)) <= 1) {
    throw new PaymentError('last_owner', 'the organisation needs at least one owner; make someone else owner first')
  }
}
