import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { MeViewSchema, RecoveryCodesSchema, TotpEnrolmentSchema } from '../../../protocol/schemas/dashboard/auth.ts'
import { totpCode } from '../../../server/dashboard/auth/totp.ts'
import { dashboardApp, PASSWORD, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { fixedClock } from '../../fixtures/test-app.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

const SIGN_IN = '/api/dashboard/auth/sign-in'
const A = '203.0.113.10'
const B = '203.0.113.20'

// Each failed or successful password check is a real scrypt (128 MiB, about a second here).
describe('dashboard sign-in', { timeout: 120_000 }, () => {
  let t: DashboardTestApp
  const clock = fixedClock(new Date('2030-03-01T10:00:00Z'))
  let org: string

  beforeAll(async () => {
    const sql = await memoryDatabase()
    t = await dashboardApp(sql, { clock })
    org = await t.org('Gamma Goods')
    await t.user('real@gamma.example', 'owner', org)
  })
  afterAll(() => t.sql.close())

  it('slows a burst of wrong passwords, journals it, and lets the real user in from another address after the window', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await t.call(undefined, 'POST', SIGN_IN, { email: 'real@gamma.example', password: `wrong-guess-${i}` }, {}, A)).status)
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429])
    // Held back: even the right password from that address waits for the window.
    const held = await t.call(undefined, 'POST', SIGN_IN, { email: 'real@gamma.example', password: PASSWORD }, {}, A)
    expect(held.status).toBe(429)
    expect(Number(held.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(v.parse(ErrorEnvelopeSchema, await held.json()).error.code).toBe('rate_limited')
    const journal = await t.journalActions(org)
    expect(journal.filter((a) => a === 'sign_in_failed')).toHaveLength(5)
    expect(journal.filter((a) => a === 'sign_in_throttled')).toHaveLength(3)

    clock.advance(15 * 60_000)
    const ok = await t.signIn('real@gamma.example', PASSWORD, B)
    expect(ok).toMatchObject({ status: 200, next: 'done' })
    expect((await t.journalActions(org)).at(-1)).toBe('sign_in')
  })

  it('answers an unknown email exactly as a wrong password, throttling included', async () => {
    clock.advance(15 * 60_000)
    const known: Array<[number, string]> = []
    const unknown: Array<[number, string]> = []
    for (let i = 0; i < 6; i++) {
      for (const [email, into] of [['real@gamma.example', known], ['nobody@gamma.example', unknown]] as const) {
        const res = await t.call(undefined, 'POST', SIGN_IN, { email, password: `nope-${i}-aaaaaaaa` }, {}, '203.0.113.30')
        into.push([res.status, (v.parse(ErrorEnvelopeSchema, await res.json())).error.message])
      }
    }
    expect(unknown).toEqual(known)
    expect(await t.journalActions(null)).toContain('sign_in_failed')
  })

  it('enrols TOTP with a QR code, then asks for a code at sign-in, each code once, and recovery codes once', async () => {
    clock.advance(15 * 60_000)
    const user = await t.user('totp@gamma.example', 'admin', org)
    const { agent } = await t.signIn(user.email, PASSWORD)
    const enrol = v.parse(TotpEnrolmentSchema, await (await t.call(agent, 'POST', '/api/dashboard/me/totp')).json())
    expect(enrol.qr_svg).toContain('<svg')
    expect(enrol.uri).toMatch(/^otpauth:\/\/totp\/EPay:totp%40gamma\.example\?/)
    expect((await t.call(agent, 'POST', '/api/dashboard/me/totp/confirm', { code: '000000' })).status).toBe(401)
    const confirm = await t.call(agent, 'POST', '/api/dashboard/me/totp/confirm', { code: totpCode(enrol.secret, clock.now()) })
    const { recovery_codes } = v.parse(RecoveryCodesSchema, await confirm.json())
    expect(recovery_codes).toHaveLength(10)
    expect(new Set(recovery_codes).size).toBe(10)

    clock.advance(60_000)
    const first = await t.signIn(user.email, PASSWORD)
    expect(first.next).toBe('totp')
    // A half-signed-in session opens nothing but the second step.
    expect((await t.call(first.agent, 'GET', '/api/dashboard/me')).status).toBe(401)
    const code = totpCode(enrol.secret, clock.now())
    expect((await t.call(first.agent, 'POST', '/api/dashboard/auth/second-factor', { code })).status).toBe(200)
    expect((await t.call(first.agent, 'GET', '/api/dashboard/me')).status).toBe(401)

    const replay = await t.signIn(user.email, PASSWORD)
    expect((await t.call(replay.agent, 'POST', '/api/dashboard/auth/second-factor', { code })).status).toBe(401)
    expect((await t.call(replay.agent, 'POST', '/api/dashboard/auth/second-factor', { recovery_code: recovery_codes[0]!.toUpperCase() })).status).toBe(200)
    const again = await t.signIn(user.email, PASSWORD)
    expect((await t.call(again.agent, 'POST', '/api/dashboard/auth/second-factor', { recovery_code: recovery_codes[0]! })).status).toBe(401)
    expect(await t.journalActions(org)).toEqual(expect.arrayContaining(['totp_enabled', 'second_factor_failed', 'recovery_code_used']))
  })

  it('ends a session idle for 30 minutes and any session after 12 hours, and lists and revokes own sessions', async () => {
    clock.advance(15 * 60_000)
    const user = await t.user('sessions@gamma.example', 'viewer', org)
    const one = (await t.signIn(user.email, PASSWORD)).agent!
    const two = (await t.signIn(user.email, PASSWORD, B)).agent!
    const list = v.parse(v.object({ sessions: v.array(v.object({ id: v.string(), ip: v.string(), current: v.boolean() })) }), await (await t.call(one, 'GET', '/api/dashboard/me/sessions')).json())
    expect(list.sessions).toHaveLength(2)
    const other = list.sessions.find((s) => !s.current)!
    expect(other.ip).toBe(B)
    expect((await t.call(one, 'DELETE', `/api/dashboard/me/sessions/${other.id}`)).status).toBe(200)
    expect((await t.call(two, 'GET', '/api/dashboard/me')).status).toBe(401)

    clock.advance(29 * 60_000)
    expect((await t.call(one, 'GET', '/api/dashboard/me')).status).toBe(200)
    clock.advance(31 * 60_000)
    expect((await t.call(one, 'GET', '/api/dashboard/me')).status).toBe(401)

    // Busy all day, never idle for 30 minutes: still ends 12 hours after sign-in.
    const busy = (await t.signIn(user.email, PASSWORD)).agent!
    for (let i = 0; i < 28; i++) {
      clock.advance(25 * 60_000)
      expect((await t.call(busy, 'GET', '/api/dashboard/me')).status).toBe(200)
    }
    clock.advance(25 * 60_000)
    expect((await t.call(busy, 'GET', '/api/dashboard/me')).status).toBe(401)
  })

  it('refuses mutating calls without the same origin or the CSRF token, and journals the forged one', async () => {
    clock.advance(15 * 60_000)
    const user = await t.user('csrf@gamma.example', 'owner', org)
    const agent = (await t.signIn(user.email, PASSWORD)).agent!
    const me = v.parse(MeViewSchema, await (await t.call(agent, 'GET', '/api/dashboard/me')).json())
    expect(me.csrf_token).toBe(agent.csrf)
    const body = { language: 'ru' }
    expect((await t.call({ ...agent, csrf: 'forged' }, 'PUT', '/api/dashboard/me/language', body)).status).toBe(403)
    expect((await t.call(agent, 'PUT', '/api/dashboard/me/language', body, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await t.call(agent, 'PUT', '/api/dashboard/me/language', body, { origin: '' })).status).toBe(403)
    expect((await t.call(undefined, 'POST', SIGN_IN, { email: user.email, password: PASSWORD }, { 'x-epay-csrf': '' })).status).toBe(403)
    expect((await t.call(agent, 'PUT', '/api/dashboard/me/language', body)).status).toBe(200)
    expect((await t.journalActions(org)).filter((a) => a === 'csrf_refused')).toHaveLength(3)
  })

  it('serves the dashboard page with a nonce CSP that forbids framing', async () => {
    // dist/dashboard is built by `npm test`'s pretest step (scripts/build-if-needed.mjs).
    const res = await t.app.request('/dashboard/projects')
    expect(res.status).toBe(200)
    const csp = res.headers.get('content-security-policy')!
    expect(csp).toContain("frame-ancestors 'none'")
    const nonce = /script-src 'nonce-([^']+)' 'strict-dynamic'/.exec(csp)![1]!
    expect(await res.text()).toContain(`<script nonce="${nonce}"`)
  })
})
