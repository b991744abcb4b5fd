import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DevMail } from '../../../protocol/schemas/dashboard/mail.ts'
import { CSRF_HEADER } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { createMailer } from '../../../server/dashboard/mail/mailer.ts'
import { eventually } from '../../e2e/harness.ts'
import { dashboardApp, PASSWORD, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

// SPEC §14: the session cookie is `__Host-`-prefixed, HttpOnly, Secure and SameSite=Strict
// when EPay is served over https.
describe('dashboard session cookie over https', { timeout: 120_000 }, () => {
  let t: DashboardTestApp
  beforeAll(async () => {
    t = await dashboardApp(await memoryDatabase(), { env: { PUBLIC_URL: 'https://pay.example' } })
    await t.user('owner@eta.example', 'owner', await t.org('Eta Shoes'))
  })
  afterAll(() => t.sql.close())

  it('is __Host-epay_dashboard: Secure, HttpOnly, SameSite=Strict, path /, no domain', async () => {
    const res = await t.app.request('https://pay.example/api/dashboard/auth/sign-in', {
      method: 'POST',
      headers: { origin: 'https://pay.example', 'content-type': 'application/json', [CSRF_HEADER]: '1' },
      body: JSON.stringify({ email: 'owner@eta.example', password: PASSWORD }),
    }, { incoming: { socket: { remoteAddress: '198.51.100.9' } } })
    expect(res.status).toBe(200)
    const cookie = res.headers.get('set-cookie')!
    expect(cookie).toMatch(/^__Host-epay_dashboard=[^;]+;/)
    const flags = cookie.split(';').slice(1).map((f) => f.trim().toLowerCase())
    expect(flags).toEqual(expect.arrayContaining(['path=/', 'httponly', 'secure', 'samesite=strict']))
    expect(flags.some((f) => f.startsWith('domain='))).toBe(false)
  })
})

// SPEC §14: without SMTP_URL, in demo mode, mail is kept in the database and shown at
// /dashboard/dev/mail; outside demo mode there is no such mailbox.
describe('demo mailbox', { timeout: 120_000 }, () => {
  let t: DashboardTestApp
  beforeAll(async () => {
    t = await dashboardApp(await memoryDatabase())
    await t.user('owner@theta.example', 'owner', await t.org('Theta Maps'))
  })
  afterAll(() => t.sql.close())

  const mailer = (demo: boolean) => createMailer({ smtpUrl: undefined, from: 'EPay <no-reply@epay.test>', demo, sql: t.sql, logger: t.deps.logger, clock: t.deps.clock })

  it('keeps a reset mail in demo mode and lists it, with its link, at /api/dashboard/dev/mail', async () => {
    t.d.mailer = mailer(true)
    expect((await t.call(undefined, 'POST', '/api/dashboard/auth/password-reset', { email: 'owner@theta.example' })).status).toBe(200)
    // The mail goes out after the answer, so that a known email answers as fast as an unknown one.
    const messages = await eventually(async () => {
      const res = await t.call(undefined, 'GET', '/api/dashboard/dev/mail')
      expect(res.status).toBe(200)
      const kept = ((await res.json()) as DevMail).messages
      return kept.length ? kept : undefined
    })
    expect(messages).toHaveLength(1)
    expect(messages[0]).toMatchObject({ to: 'owner@theta.example' })
    expect(JSON.stringify(messages[0])).toMatch(/\/dashboard\/reset#[A-Za-z0-9_-]{20,}/)
  })

  it('has no mailbox outside demo mode', async () => {
    t.d.mailer = mailer(false)
    expect((await t.call(undefined, 'GET', '/api/dashboard/dev/mail')).status).toBe(404)
  })
})
