import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { TotpEnrolmentSchema } from '../../../protocol/schemas/dashboard/auth.ts'
import type { MemberView } from '../../../protocol/schemas/dashboard/team.ts'
import { totpCode } from '../../../server/dashboard/auth/totp.ts'
import { dashboardApp, PASSWORD, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'
import { fixedClock } from '../../fixtures/test-app.ts'

// The team screen's actions and what they do to the member (SPEC §14): role and project scope,
// disable and enable, and a second factor reset for a lost phone. Who may call them is the
// role × endpoint table's matter; here, their effect.
describe('dashboard team actions', { timeout: 120_000 }, () => {
  let t: DashboardTestApp
  const clock = fixedClock(new Date('2030-06-01T09:00:00Z'))
  let org: string
  let owner: Agent

  const projectsOf = async (agent: Agent) => {
    const res = await t.call(agent, 'GET', '/api/dashboard/projects')
    expect(res.status).toBe(200)
    return ((await res.json()) as { projects: Array<{ id: number }> }).projects.map((p) => p.id).sort()
  }

  beforeAll(async () => {
    t = await dashboardApp(await memoryDatabase(), { clock })
    org = await t.org('Zeta Bikes')
    await t.project(5201, org)
    await t.project(5202, org)
    owner = await t.signedIn(await t.user('owner@zeta.example', 'owner', org))
  })
  afterAll(() => t.sql.close())

  it('changes a member’s role and project scope, which their open session follows at once', async () => {
    const member = await t.user('clerk@zeta.example', 'viewer', org, [5201])
    const clerk = (await t.signIn(member.email, PASSWORD)).agent!
    expect(await projectsOf(clerk)).toEqual([5201])
    expect((await t.call(clerk, 'PATCH', '/api/dashboard/projects/5201', { callback_url: 'https://zeta.example/cb' })).status).toBe(403)

    const res = await t.call(owner, 'PUT', `/api/dashboard/team/${member.id}`, { role: 'developer', projects: [5202] })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ role: 'developer', projects: [5202] } satisfies Partial<MemberView>)
    expect(await projectsOf(clerk)).toEqual([5202])
    expect((await t.call(clerk, 'GET', '/api/dashboard/projects/5201')).status).toBe(404)
    expect((await t.call(clerk, 'PATCH', '/api/dashboard/projects/5202', { callback_url: 'https://zeta.example/cb' })).status).toBe(200)

    expect((await t.call(owner, 'PUT', `/api/dashboard/team/${member.id}`, { role: 'developer', projects: null })).status).toBe(200)
    expect(await projectsOf(clerk)).toEqual([5201, 5202])
    const [entry] = ((await (await t.call(owner, 'GET', '/api/dashboard/journal?action=member_updated')).json()) as { entries: Array<{ before: unknown; after: unknown }> }).entries
    expect(entry).toMatchObject({ before: { role: 'developer', projects: [5202] }, after: { role: 'developer', projects: null } })
  })

  it('disables a member: their sessions end and sign-in is refused until enabled again', async () => {
    const member = await t.user('temp@zeta.example', 'manager', org)
    const temp = (await t.signIn(member.email, PASSWORD)).agent!
    expect((await t.call(owner, 'POST', `/api/dashboard/team/${member.id}/disable`)).status).toBe(200)
    expect((await t.call(temp, 'GET', '/api/dashboard/me')).status).toBe(401)
    expect((await t.signIn(member.email, PASSWORD)).status).toBe(401)
    expect((await t.call(owner, 'POST', `/api/dashboard/team/${member.id}/enable`)).status).toBe(200)
    expect((await t.signIn(member.email, PASSWORD)).status).toBe(200)
    expect(await t.journalActions(org)).toEqual(expect.arrayContaining(['member_disabled', 'member_enabled']))
  })

  it('resets a member’s second factor: sessions end, recovery codes go, the next sign-in asks no code', async () => {
    const member = await t.user('phone@zeta.example', 'admin', org)
    const agent = (await t.signIn(member.email, PASSWORD)).agent!
    const enrol = v.parse(TotpEnrolmentSchema, await (await t.call(agent, 'POST', '/api/dashboard/me/totp')).json())
    const confirm = await t.call(agent, 'POST', '/api/dashboard/me/totp/confirm', { code: totpCode(enrol.secret, clock.now()) })
    const { recovery_codes } = (await confirm.json()) as { recovery_codes: string[] }
    expect(recovery_codes).toHaveLength(10)
    clock.advance(60_000)
    const asked = await t.signIn(member.email, PASSWORD)
    expect(asked.next).toBe('totp')

    // An admin may not reset their own (that is the security page's work, with a password).
    expect((await t.call(agent, 'POST', `/api/dashboard/team/${member.id}/reset-totp`)).status).toBe(403)
    const res = await t.call(owner, 'POST', `/api/dashboard/team/${member.id}/reset-totp`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ totp: false })
    expect((await t.call(agent, 'GET', '/api/dashboard/me')).status).toBe(401)
    // The half-signed-in session from before the reset is gone too, and no recovery code is left.
    expect((await t.call(asked.agent, 'POST', '/api/dashboard/auth/second-factor', { recovery_code: recovery_codes[0]! })).status).toBe(401)
    expect(await t.sql.query('SELECT 1 FROM dashboard_recovery_codes WHERE user_id = $1', [member.id])).toEqual([])
    expect((await t.signIn(member.email, PASSWORD)).next).toBe('done')
    expect((await t.journalActions(org)).at(-2)).toBe('member_totp_reset')
  })
})
