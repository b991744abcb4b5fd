import type { Hono } from 'hono'
import * as v from 'valibot'
import { OrgIdSchema } from '../../../protocol/schemas/dashboard/common.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { GoLiveIdSchema, type PlatformOrgDetail } from '../../../protocol/schemas/dashboard/onboarding.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount, type Call } from '../http/endpoint.ts'
import { toPlatformOrg, toRequestView } from '../onboarding/go-live-views.ts'

/**
 * The platform operators' screens (issue 13 item 7): organisations, go-live decisions,
 * suspension. `platform.manage` is the platform role's alone; no organisation's role has it.
 */
export function platformRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  const access = { auth: 'user', permission: 'platform.manage' } as const

  const detail = async (orgId: string): Promise<PlatformOrgDetail> => {
    const org = await deps.orgs.summary(orgId)
    if (!org) throw new PaymentError('not_found', 'no such organisation')
    const projects = await deps.sql.query<{ id: unknown; name: string; test_mode: boolean }>('SELECT id, name, test_mode FROM projects WHERE org_id = $1 ORDER BY id', [orgId])
    return {
      organisation: { ...toPlatformOrg(org), suspended_at: org.suspendedAt?.toISOString() ?? null, suspended_reason: org.suspendedReason },
      projects: projects.map((p) => ({ id: Number(p.id), name: p.name, test_mode: Boolean(p.test_mode) })),
      requests: (await deps.goLive.ofOrg(orgId)).map(toRequestView),
    }
  }
  const orgParam = (raw: string | undefined) => {
    if (!v.is(OrgIdSchema, raw)) throw new PaymentError('not_found', 'no such organisation')
    return raw
  }
  const requestParam = (raw: string | undefined) => {
    if (!v.is(GoLiveIdSchema, raw)) throw new PaymentError('not_found', 'no such request')
    return raw
  }

  mount(app, deps, ENDPOINTS.platformOrgs, access, async () => ({ organisations: (await deps.orgs.summaries()).map(toPlatformOrg) }))

  mount(app, deps, ENDPOINTS.platformOrg, access, async ({ c }) => detail(orgParam(c.req.param('org'))))

  // Suspended: its people are signed out now and refused at sign-in; its projects take no new
  // payments (follow-ups of existing ones still run). Reinstating undoes both.
  mount(app, deps, ENDPOINTS.suspendOrg, access, async ({ c, body, meta, entry }) => {
    const orgId = orgParam(c.req.param('org'))
    if (!(await deps.orgs.get(orgId))) throw new PaymentError('not_found', 'no such organisation')
    if (await deps.orgs.setSuspended(orgId, { at: meta.now, reason: body.reason })) {
      for (const member of await deps.users.list(orgId)) await deps.sessions.revokeAll(member.id, meta.now)
      await journal(deps, entry({ action: 'org_suspended', orgId, target: orgId, after: { reason: body.reason } }))
    }
    return detail(orgId)
  })

  mount(app, deps, ENDPOINTS.reinstateOrg, access, async ({ c, entry }) => {
    const orgId = orgParam(c.req.param('org'))
    if (!(await deps.orgs.get(orgId))) throw new PaymentError('not_found', 'no such organisation')
    if (await deps.orgs.setSuspended(orgId, null)) await journal(deps, entry({ action: 'org_reinstated', orgId, target: orgId }))
    return detail(orgId)
  })

  const decide = async (status: 'approved' | 'rejected', reason: string | null, { c, user, meta, entry }: Pick<Call<typeof ENDPOINTS.approveGoLive>, 'c' | 'user' | 'meta' | 'entry'>) => {
    const id = requestParam(c.req.param('request'))
    const decided = await deps.goLive.decide({ id, status, by: user!.id, reason, now: meta.now })
    if (!decided) {
      const existing = await deps.goLive.get(id)
      if (!existing) throw new PaymentError('not_found', 'no such request')
      throw new PaymentError('conflict', `the request was already ${existing.status}`)
    }
    await journal(deps, entry({ action: status === 'approved' ? 'golive_approved' : 'golive_rejected', orgId: decided.orgId, projectId: decided.projectId, target: id, ...(reason ? { after: { reason } } : {}) }))
    // After the commit, and after the answer: the decision stands whatever the mail does.
    const decision = { orgId: decided.orgId, projectId: decided.projectId, projectName: decided.projectName, requestId: id, decision: status, reason }
    deps.background(() => deps.onGoLiveDecided(decision))
    return toRequestView(decided)
  }
  mount(app, deps, ENDPOINTS.approveGoLive, access, (call) => decide('approved', null, call))
  mount(app, deps, ENDPOINTS.rejectGoLive, access, (call) => decide('rejected', call.body.reason, call))
}
