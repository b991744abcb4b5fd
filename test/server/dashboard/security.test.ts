import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { RecoveryCodesSchema, TotpEnrolmentSchema } from '../../../protocol/schemas/dashboard/auth.ts'
import { totpCode } from '../../../server/dashboard/auth/totp.ts'
import { dashboardApp, PASSWORD, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'
import { fixedClock } from '../../fixtures/test-app.ts'

const NEW_PASSWORD = 'lantern-basil-93-harbour'

// The security page's own-account actions (SPEC §14): change the password, renew recovery
// codes, turn the second factor off. Each asks for the current password.
describe('dashboard security page', { timeout: 120_000 }, () => {
  let t: DashboardTestApp
  const clock = fixedClock(new Date('2030-07-01T09:00:00Z'))
  let org: string

  beforeAll(async () => {
    t = await dashboardApp(await memoryDatabase(), { clock })
    org = await t.org('Iota Lamps')
  })
  afterAll(() => t.sql.close())

  it('changes the password with the current one: other sessions end, this one stays', async () => {
    const user = await t.user('self@iota.example', 'admin', org)
    const here = (await t.signIn(user.email, PASSWORD)).agent!
    const there = (await t.signIn(user.email, PASSWORD, '203.0.113.77')).agent!
    const change = (current: string, next: string) => t.call(here, 'POST', '/api/dashboard/me/password', { current_password: current, password: next })

    expect((await change('not-my-password-at-all', NEW_PASSWORD)).status).toBe(401)
    const weak = await change(PASSWORD, 'password1234')
    expect(weak.status).toBe(400)
    expect(v.parse(ErrorEnvelopeSchema, await weak.json()).error.code).toBe('weak_password')
    // The user's own email is a guess an attacker starts with.
    expect((await change(PASSWORD, 'self@iota.example')).status).toBe(400)
    expect((await change(PASSWORD, NEW_PASSWORD)).status).toBe(200)

    expect((await t.call(there, 'GET', '/api/dashboard/me')).status).toBe(401)
    expect((await t.call(here, 'GET', '/api/dashboard/me')).status).toBe(200)
    expect((await t.signIn(user.email, PASSWORD)).status).toBe(401)
    expect((await t.signIn(user.email, NEW_PASSWORD)).status).toBe(200)
    expect(await t.journalActions(org)).toContain('password_changed')
  })

  it('renews recovery codes, so the old ones stop working, and turns the second factor off with the password', async () => {
    clock.advance(15 * 60_000)
    const user = await t.user('codes@iota.example', 'viewer', org)
    const agent = (await t.signIn(user.email, PASSWORD)).agent!
    const enrol = v.parse(TotpEnrolmentSchema, await (await t.call(agent, 'POST', '/api/dashboard/me/totp')).json())
    const first = v.parse(RecoveryCodesSchema, await (await t.call(agent, 'POST', '/api/dashboard/me/totp/confirm', { code: totpCode(enrol.secret, clock.now()) })).json())

    expect((await t.call(agent, 'POST', '/api/dashboard/me/recovery-codes', { password: 'not-my-password-at-all' })).status).toBe(401)
    const renewed = await t.call(agent, 'POST', '/api/dashboard/me/recovery-codes', { password: PASSWORD })
    expect(renewed.status).toBe(200)
    const second = v.parse(RecoveryCodesSchema, await renewed.json())
    expect(second.recovery_codes).toHaveLength(10)
    expect(second.recovery_codes.filter((c) => first.recovery_codes.includes(c))).toEqual([])

    const old = await t.signIn(user.email, PASSWORD)
    expect(old.next).toBe('totp')
    expect((await t.call(old.agent, 'POST', '/api/dashboard/auth/second-factor', { recovery_code: first.recovery_codes[0]! })).status).toBe(401)
    expect((await t.call(old.agent, 'POST', '/api/dashboard/auth/second-factor', { recovery_code: second.recovery_codes[0]! })).status).toBe(200)

    expect((await t.call(agent, 'POST', '/api/dashboard/me/totp/disable', { password: 'not-my-password-at-all' })).status).toBe(401)
    expect((await t.call(agent, 'POST', '/api/dashboard/me/totp/disable', { password: PASSWORD })).status).toBe(200)
    expect((await t.signIn(user.email, PASSWORD)).next).toBe('done')
    expect(await t.journalActions(org)).toEqual(expect.arrayContaining(['recovery_codes_renewed', 'totp_disabled']))
  })
})
