import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dashboardApp, PASSWORD, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'
import { fixedClock } from '../../fixtures/test-app.ts'

const SIGN_IN = '/api/dashboard/auth/sign-in'

// Throttling per account and address, and per account from anywhere (SPEC §14). Every failure
// is a real scrypt check, so the bursts are as small as the limits allow.
describe('dashboard sign-in throttling', { timeout: 300_000 }, () => {
  let t: DashboardTestApp
  const clock = fixedClock(new Date('2030-08-01T10:00:00Z'))
  let org: string

  const attempt = async (email: string, password: string, ip: string) => (await t.call(undefined, 'POST', SIGN_IN, { email, password }, {}, ip)).status
  const burst = async (email: string, ip: string, n: number) => {
    const statuses: number[] = []
    for (let i = 0; i < n; i++) statuses.push(await attempt(email, `wrong-guess-${ip}-${i}`, ip))
    return statuses
  }

  beforeAll(async () => {
    t = await dashboardApp(await memoryDatabase(), { clock })
    org = await t.org('Kappa Kites')
  })
  afterAll(() => t.sql.close())

  it('holds back only the guessing address: the real user signs in from another one within the window', async () => {
    await t.user('one@kappa.example', 'owner', org)
    expect(await burst('one@kappa.example', '203.0.113.50', 6)).toEqual([401, 401, 401, 401, 401, 429])
    expect(await attempt('one@kappa.example', PASSWORD, '203.0.113.50')).toBe(429)
    expect(await attempt('one@kappa.example', PASSWORD, '203.0.113.51')).toBe(200)
  })

  it('holds an account back everywhere after 20 failures from several addresses, until the window ends', async () => {
    clock.advance(15 * 60_000)
    await t.user('two@kappa.example', 'owner', org)
    for (const ip of ['203.0.113.60', '203.0.113.61', '203.0.113.62', '203.0.113.63']) expect(await burst('two@kappa.example', ip, 5)).toEqual([401, 401, 401, 401, 401])
    expect(await attempt('two@kappa.example', PASSWORD, '203.0.113.64')).toBe(429)
    expect((await t.journalActions(org)).filter((a) => a === 'sign_in_throttled').length).toBeGreaterThan(0)
    clock.advance(15 * 60_000)
    expect(await attempt('two@kappa.example', PASSWORD, '203.0.113.64')).toBe(200)
  })
})
