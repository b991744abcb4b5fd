import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMailer } from '../../../server/dashboard/mail/mailer.ts'
import { dashboardApp, PASSWORD, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { eventually } from '../../e2e/harness.ts'
import { linkIn, startSmtp } from '../../fixtures/smtp.ts'
import { fixedClock } from '../../fixtures/test-app.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

const NEW_PASSWORD = 'amber-quartz-61-meadow'

// Emailed single-use links through a real SMTP server on loopback: reset and invitation.
describe('dashboard emailed links', { timeout: 120_000 }, () => {
  let t: DashboardTestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  const clock = fixedClock(new Date('2030-04-01T09:00:00Z'))
  let org: string

  beforeAll(async () => {
    smtp = await startSmtp()
    const sql = await memoryDatabase()
    t = await dashboardApp(sql, { clock })
    t.d.mailer = createMailer({ smtpUrl: smtp.url, from: 'EPay <no-reply@epay.test>', demo: false, sql, logger: t.deps.logger, clock })
    org = await t.org('Delta Books')
    await t.user('owner@delta.example', 'owner', org)
  })
  afterAll(async () => {
    await t.sql.close()
    await smtp.close()
  })

  it('mails a single-use reset link that works for 30 minutes and ends other sessions', async () => {
    const before = (await t.signIn('owner@delta.example', PASSWORD)).agent!
    expect((await t.call(undefined, 'POST', '/api/dashboard/auth/password-reset', { email: 'owner@delta.example' })).status).toBe(200)
    expect((await t.call(undefined, 'POST', '/api/dashboard/auth/password-reset', { email: 'nobody@delta.example' })).status).toBe(200)
    const mail = await smtp.mailTo('owner@delta.example', /reset/i)
    const token = linkIn(mail, '/dashboard/reset').split('#')[1]!
    expect(smtp.received.some((m) => m.to.includes('nobody@'))).toBe(false)

    const weak = await t.call(undefined, 'POST', '/api/dashboard/auth/password-reset/confirm', { token, password: 'password1234' })
    expect(weak.status).toBe(400)
    expect(((await weak.json()) as { error: { code: string } }).error.code).toBe('weak_password')
    expect((await t.call(undefined, 'POST', '/api/dashboard/auth/password-reset/confirm', { token, password: NEW_PASSWORD })).status).toBe(200)
    expect((await t.call(undefined, 'POST', '/api/dashboard/auth/password-reset/confirm', { token, password: NEW_PASSWORD })).status).toBe(400)
    expect((await t.call(before, 'GET', '/api/dashboard/me')).status).toBe(401)
    expect((await t.signIn('owner@delta.example', PASSWORD)).status).toBe(401)
    expect((await t.signIn('owner@delta.example', NEW_PASSWORD)).status).toBe(200)

    await t.call(undefined, 'POST', '/api/dashboard/auth/password-reset', { email: 'owner@delta.example' })
    await eventually(() => smtp.received.filter((m) => m.to.includes('owner@delta.example')).length === 2 || undefined)
    const late = linkIn(smtp.received.filter((m) => m.to.includes('owner@delta.example'))[1]!, '/dashboard/reset').split('#')[1]!
    clock.advance(31 * 60_000)
    expect((await t.call(undefined, 'POST', '/api/dashboard/auth/password-reset/confirm', { token: late, password: 'fjord-lemon-20-saddle' })).status).toBe(400)
    expect(await t.journalActions(org)).toEqual(expect.arrayContaining(['password_reset_requested', 'password_reset']))
  })

  it('mails an invitation whose link sets the password once, and the member signs in with the role given', async () => {
    const owner = (await t.signIn('owner@delta.example', NEW_PASSWORD)).agent!
    const invite = await t.call(owner, 'POST', '/api/dashboard/team/invitations', { email: 'Clerk@Delta.example', role: 'manager', projects: null })
    expect(invite.status).toBe(200)
    const mail = await smtp.mailTo('clerk@delta.example', /Delta Books/)
    expect(mail.text).toContain('manager')
    const token = linkIn(mail, '/dashboard/invitation').split('#')[1]!
    const view = await t.call(undefined, 'POST', '/api/dashboard/auth/invitation/view', { token })
    expect(await view.json()).toEqual({ email: 'clerk@delta.example', organisation: 'Delta Books', role: 'manager' })
    expect((await t.call(undefined, 'POST', '/api/dashboard/auth/invitation', { token, password: 'harvest-cobalt-44-ribbon' })).status).toBe(200)
    expect((await t.call(undefined, 'POST', '/api/dashboard/auth/invitation', { token, password: 'harvest-cobalt-44-ribbon' })).status).toBe(400)
    const clerk = await t.signIn('clerk@delta.example', 'harvest-cobalt-44-ribbon')
    expect(clerk.status).toBe(200)
    const me = (await (await t.call(clerk.agent, 'GET', '/api/dashboard/me')).json()) as { user: { role: string } }
    expect(me.user.role).toBe('manager')
    expect(await t.journalActions(org)).toEqual(expect.arrayContaining(['invitation_sent', 'invitation_accepted']))
  })

  it('keeps the last owner: no one can demote or disable them', async () => {
    const owner = (await t.signIn('owner@delta.example', NEW_PASSWORD)).agent!
    const admin = await t.user('admin@delta.example', 'admin', org)
    const adminAgent = await t.signedIn(admin)
    const ownerId = (await t.d.users.byEmail('owner@delta.example'))!.id
    expect((await t.call(adminAgent, 'PUT', `/api/dashboard/team/${ownerId}`, { role: 'viewer', projects: null })).status).toBe(403)
    const second = await t.user('owner2@delta.example', 'owner', org)
    const demoteLast = async () => {
      await t.call(owner, 'PUT', `/api/dashboard/team/${second.id}`, { role: 'admin', projects: null })
      return t.call(await t.signedIn(second), 'PUT', `/api/dashboard/team/${ownerId}`, { role: 'admin', projects: null })
    }
    const res = await demoteLast()
    // owner2 is an admin now, so it is refused as a role matter first:
    expect(res.status).toBe(403)
    const self = await t.call(owner, 'PUT', `/api/dashboard/team/${ownerId}`, { role: 'admin', projects: null })
    expect(self.status).toBe(409)
    expect(((await self.json()) as { error: { code: string } }).error.code).toBe('last_owner')
    expect((await t.call(owner, 'POST', `/api/dashboard/team/${ownerId}/disable`)).status).toBe(403)
  })
})
