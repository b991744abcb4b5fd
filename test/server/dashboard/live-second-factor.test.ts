import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { MeViewSchema } from '../../../protocol/schemas/dashboard/auth.ts'
import { dashboardApp, PASSWORD, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

// SPEC §14: the second factor is optional, except for owners and admins of an organisation with
// a live project — a stolen password there moves real money.
describe('two-factor authentication for live projects', { timeout: 120_000 }, () => {
  let t: DashboardTestApp
  let testOrg: string
  let liveOrg: string

  beforeAll(async () => {
    t = await dashboardApp(await memoryDatabase())
    testOrg = await t.org('Only testing')
    await t.project(601, testOrg, true)
    liveOrg = await t.org('Taking money')
    await t.project(602, liveOrg, true)
    await t.project(603, liveOrg, false)
  }, 300_000)
  afterAll(() => t.sql.close())

  const code = async (res: Response) => v.parse(ErrorEnvelopeSchema, await res.json()).error.code
  const me = async (agent: Parameters<DashboardTestApp['call']>[0]) =>
    v.parse(MeViewSchema, await (await t.call(agent, 'GET', '/api/dashboard/me')).json())

  it('lets an owner of test projects only work without a second factor', async () => {
    const owner = await t.signedIn(await t.user('owner@testing.example', 'owner', testOrg))
    expect((await t.call(owner, 'GET', '/api/dashboard/projects')).status).toBe(200)
    expect((await me(owner)).totp_required).toBe(false)
  })

  it.each(['owner', 'admin'] as const)('sends an %s of a live project to enrolment before anything else', async (role) => {
    const agent = await t.signedIn(await t.user(`${role}@live.example`, role, liveOrg))
    const refused = await t.call(agent, 'GET', '/api/dashboard/projects')
    expect(refused.status).toBe(403)
    expect(await code(refused)).toBe('totp_enrolment_required')
    expect((await me(agent)).totp_required).toBe(true)
    // Enrolment itself stays open, or there would be no way out.
    expect((await t.call(agent, 'POST', '/api/dashboard/me/totp')).status).toBe(200)
  })

  it('does not ask a manager or a viewer of the same organisation', async () => {
    for (const role of ['manager', 'viewer'] as const) {
      const agent = await t.signedIn(await t.user(`${role}@live.example`, role, liveOrg))
      expect((await t.call(agent, 'GET', '/api/dashboard/projects')).status).toBe(200)
    }
  })

  it('lets an enrolled owner in, and refuses to turn the second factor off', async () => {
    const user = await t.user('enrolled@live.example', 'owner', liveOrg)
    await t.d.users.setTotp(user.id, null, true, t.deps.clock.now())
    const owner = await t.signedIn(user)
    expect((await t.call(owner, 'GET', '/api/dashboard/projects')).status).toBe(200)
    const off = await t.call(owner, 'POST', '/api/dashboard/me/totp/disable', { password: PASSWORD })
    expect(off.status).toBe(403)
    expect(await code(off)).toBe('forbidden')
  })
})
