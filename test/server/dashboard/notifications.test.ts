import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotificationPageSchema, NotificationSettingsSchema, type NotificationKind } from '../../../protocol/schemas/dashboard/notifications.ts'
import { createMailer } from '../../../server/dashboard/mail/mailer.ts'
import { goLiveDecided } from '../../../server/dashboard/notifications/go-live-decided.ts'
import { notifiedReconciliationNotice } from '../../../server/reconciliation/reconciliation-notice.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, jobsSettled, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { card, gate, general, orderId, tickingClock } from '../../fixtures/gate.ts'
import { startSmtp } from '../../fixtures/smtp.ts'
import { TEST_PROJECT } from '../../fixtures/test-app.ts'

// Notifications (SPEC §14, issue 13 item 6): each kind is caused by the real flow (a callback
// that fails until its last retry, a payout above the balance and a large refund through the
// Gate, a report made by the job queue; go-live by calling goLiveDecided, because the go-live
// review is not built yet), reaches the users who should see it and no one else, and is mailed
// over real SMTP to those who chose email.

const OTHER = 4243 // the same organisation, outside the narrowed users' scope
const FOREIGN = 4244 // another organisation

/** A loopback receiver: 500 for the payments whose id starts with `cbfail-`, 200 for the rest. */
async function receiver() {
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    req.on('end', () => res.writeHead(body.includes('"cbfail-') ? 500 : 200).end('ok'))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks`,
    close: () => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections() }),
  }
}

describe.each(testDatabases())('notifications ($name)', (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let callbacks: Awaited<ReturnType<typeof receiver>>
  const clock = tickingClock()
  type Who = 'owner' | 'admin' | 'manager' | 'developer' | 'viewer' | 'managerOut' | 'foreignOwner'
  const users = {} as Record<Who, { id: string; email: string }>
  const emails = {} as Record<Who, string>
  // A fresh session per call: the callback test moves the clock by days, past any session's life.
  const agents = new Proxy({} as Record<Who, Promise<Agent>>, { get: (_t, name: string) => t.signedIn(users[name as Who]) })

  beforeAll(async () => {
    sql = await db.open()
    smtp = await startSmtp()
    callbacks = await receiver()
    t = await dashboardApp(sql, { clock, addProject: false })
    t.d.mailer = createMailer({ smtpUrl: smtp.url, from: 'EPay <no-reply@epay.test>', demo: false, sql, logger: t.deps.logger, clock })
    const org = await t.org('Notified')
    const foreign = await t.org('Elsewhere')
    await t.deps.projects.add({ id: TEST_PROJECT.id, name: 'Tea Shop', secret: TEST_PROJECT.secret, callbackUrl: callbacks.url, testMode: true, orgId: org })
    await t.project(OTHER, org)
    await t.project(FOREIGN, foreign)
    const scoped = [TEST_PROJECT.id]
    const people: Array<[Who, Parameters<DashboardTestApp['user']>[1], string, number[] | null]> = [
      ['owner', 'owner', org, null], ['admin', 'admin', org, scoped], ['manager', 'manager', org, scoped], ['developer', 'developer', org, scoped],
      ['viewer', 'viewer', org, scoped], ['managerOut', 'manager', org, [OTHER]], ['foreignOwner', 'owner', foreign, null],
    ]
    for (const [name, role, orgId, projects] of people) {
      emails[name] = `u-${name.toLowerCase()}-${db.name}@notify.example`
      users[name] = await t.user(emails[name], role, orgId, projects)
    }
    // The manager wants large refunds in the dashboard only; the viewer wants ready reports by email.
    const settings = async (who: Promise<Agent>, change: Partial<Record<NotificationKind, boolean>>) => {
      const agent = await who
      const current = v.parse(NotificationSettingsSchema, await (await t.call(agent, 'GET', '/api/dashboard/me/notification-settings')).json())
      const res = await t.call(agent, 'PUT', '/api/dashboard/me/notification-settings', { email: { ...current.email, ...change } })
      expect(res.status).toBe(200)
      expect(v.parse(NotificationSettingsSchema, await res.json()).email).toMatchObject(change)
    }
    await settings(agents.manager, { refund_large: false })
    await settings(agents.viewer, { report_ready: true })
    // The owners' go-live mail is onboarding's own; others may choose the notification's.
    await settings(agents.admin, { go_live_decided: true })
  }, 180_000)
  afterAll(async () => {
    await callbacks.close()
    await smtp.close()
    await sql.close()
  })

  /** Runs the background pass as the poll does, and returns each user's notifications of a kind. */
  async function whoGot(kind: NotificationKind): Promise<string[]> {
    await t.d.notifier.tick()
    const got: string[] = []
    for (const name of Object.keys(users) as Who[]) {
      const res = await t.call(await agents[name], 'GET', '/api/dashboard/notifications')
      expect(res.status).toBe(200)
      const page = v.parse(NotificationPageSchema, await res.json())
      for (const n of page.notifications) if (n.kind === kind) got.push(name)
    }
    return got.sort()
  }
  const mailedFor = (subject: RegExp) => smtp.received.filter((m) => subject.test(m.subject)).map((m) => Object.entries(emails).find(([, e]) => m.to.includes(e))![0]).sort()
  const mailsSettled = async () => {
    await t.d.notifier.tick()
    // smtp-server parses after it answers: let the last message land.
    await new Promise((r) => setTimeout(r, 300))
  }
  const sale = async (paymentId: string, amount: number, currency = 'EUR') => {
    const res = await gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount, currency }, card: card() })
    expect(res.status).toBe(200)
  }

  it('tells owners, admins and developers in scope when a callback is given up after its last retry, once', async () => {
    await sale(orderId('cbfail'), 1000)
    let attempts = 0
    for (; attempts < 40; attempts++) {
      await t.dispatcher.tick()
      const [row] = await sql.query<{ status: string; next_attempt_at: Date | string }>(`SELECT status, next_attempt_at FROM callback_outbox WHERE payload LIKE '%cbfail-%'`)
      if (row!.status === 'failed') break
      // No event before the last retry: a failing receiver alone is not yet news.
      expect(await whoGot('callback_failed')).toEqual([])
      // On to the next retry of the schedule (SPEC §8), attempt after attempt.
      clock.advance(new Date(row!.next_attempt_at).getTime() - clock.now().getTime())
    }
    // +10 s … 8 h (12 retries), then every 8 h to 3 days.
    expect(attempts).toBeGreaterThan(12)
    expect(await whoGot('callback_failed')).toEqual(['admin', 'developer', 'owner'])
    await mailsSettled()
    expect(mailedFor(/Callback not delivered/)).toEqual(['admin', 'developer', 'owner'])
    const mail = await smtp.mailTo(emails.owner, /Callback not delivered: Tea Shop/)
    expect(mail.text).toContain('HTTP 500')
    expect(mail.text).toContain('/dashboard/notifications')
  }, 180_000)

  it('tells owners, admins and managers in scope when a payout is declined for the balance (3028)', async () => {
    const res = await gate(t.app, '/v2/payment/wallet/jeton/payout', { general: general(orderId('po')), payment: { amount: 1_001, currency: 'GBP' }, account: { number: 'JT0000012345' } })
    expect(res.status).toBe(200)
    expect(await whoGot('payout_declined')).toEqual(['admin', 'manager', 'owner'])
    const page = v.parse(NotificationPageSchema, await (await t.call(await agents.manager, 'GET', '/api/dashboard/notifications')).json())
    expect(page.notifications.find((n) => n.kind === 'payout_declined')).toMatchObject({ code: '3028', amount: 1_001, currency: 'GBP', project: { id: TEST_PROJECT.id, name: 'Tea Shop' } })
    await mailsSettled()
    expect(mailedFor(/Payout declined/)).toEqual(['admin', 'manager', 'owner'])
  })

  it('tells of a refund of at least 1 000.00 in its currency, not of a smaller one, and mails only who chose it', async () => {
    const big = orderId('big')
    await sale(big, 150_000)
    await sale('small-' + big, 150_000)
    const key = `refund-${big}`
    const refund = (paymentId: string, amount: number) => gate(t.app, '/v2/payment/card/refund', { general: general(paymentId), payment: { amount } }, { key: `${key}-${paymentId}` })
    expect((await refund('small-' + big, 99_999)).status).toBe(200)
    expect(await whoGot('refund_large')).toEqual([])
    expect((await refund(big, 100_000)).status).toBe(200)
    // The same request again (its Idempotency-Key): the Gate replays it, no second event.
    expect((await refund(big, 100_000)).status).toBe(200)
    expect(await whoGot('refund_large')).toEqual(['admin', 'manager', 'owner'])
    await mailsSettled()
    // The manager chose the dashboard only for large refunds.
    expect(mailedFor(/Large refund/)).toEqual(['admin', 'owner'])
    expect((await smtp.mailTo(emails.owner, /Large refund/)).text).toContain('€1,000.00')
  })

  it('tells owners, admins and developers of a go-live decision, once however often it is reported', async () => {
    const decision = { reviewId: 'rev_1', projectId: TEST_PROJECT.id, approved: true, reason: undefined, decidedAt: clock.now() }
    await sql.transaction((tx) => goLiveDecided(tx, decision))
    await sql.transaction((tx) => goLiveDecided(tx, decision))
    expect(await whoGot('go_live_decided')).toEqual(['admin', 'developer', 'owner'])
    await mailsSettled()
    expect(mailedFor(/Go-live decision/)).toEqual(['admin'])
    // Another organisation's decision reaches that organisation only.
    await sql.transaction((tx) => goLiveDecided(tx, { ...decision, reviewId: 'rev_2', projectId: FOREIGN, approved: false, reason: 'documents missing' }))
    expect(await whoGot('go_live_decided')).toEqual(['admin', 'developer', 'foreignOwner', 'owner'])
    const foreignPage = v.parse(NotificationPageSchema, await (await t.call(await agents.foreignOwner, 'GET', '/api/dashboard/notifications')).json())
    expect(foreignPage.notifications).toMatchObject([{ kind: 'go_live_decided', decision: 'rejected', reason: 'documents missing', project: { id: FOREIGN } }])
  })

  it('tells the maker of a report, and only them, that it is ready; mail only if they chose it', async () => {
    const body = { report: 'operations', format: 'csv', from: '2030-01-01', to: '2030-01-20', tz: 'UTC', mode: 'test' }
    for (const who of ['viewer', 'owner'] as const) expect((await t.call(await agents[who], 'POST', '/api/dashboard/reports', body)).status).toBe(200)
    // The app's own drain (run after each answer) may hold a report while this loop finds the
    // queue empty, or be fanning out its event while this loop's notifier passes over it
    // (claimed): wait until no report is waiting or being made and every event is fanned out.
    for (;;) {
      await jobsSettled(t.d.jobWorker, sql)
      await t.d.notifier.tick()
      const [open] = await sql.query<{ n: string }>('SELECT count(*) AS n FROM notification_events WHERE fanned_out_at IS NULL')
      if (Number(open!.n) === 0) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(await whoGot('report_ready')).toEqual(['owner', 'viewer'])
    const own = v.parse(NotificationPageSchema, await (await t.call(await agents.viewer, 'GET', '/api/dashboard/notifications')).json())
    expect(own.notifications.filter((n) => n.kind === 'report_ready')).toHaveLength(1)
    await mailsSettled()
    expect(mailedFor(/report is ready/)).toEqual(['viewer'])
  })

  it('adds no notification when an event is fanned out again or recorded again', async () => {
    const before = await sql.query<{ n: string }>('SELECT count(*) AS n FROM notifications')
    // As if a process died after adding the rows and before marking the events done.
    await sql.query('UPDATE notification_events SET fanned_out_at = NULL')
    const [failed] = await sql.query<{ id: string }>(`SELECT id FROM callback_outbox WHERE status = 'failed'`)
    await t.deps.outbox.markFailed(failed!.id, { httpStatus: 500, error: 'http 500', next: undefined }, clock.now())
    await t.d.notifier.tick()
    const after = await sql.query<{ n: string }>('SELECT count(*) AS n FROM notifications')
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n))
    const events = await sql.query<{ kind: string; n: string }>('SELECT kind, count(*) AS n FROM notification_events GROUP BY kind ORDER BY kind')
    expect(events.map((e) => [e.kind, Number(e.n)])).toEqual([['callback_failed', 1], ['go_live_decided', 2], ['payout_declined', 1], ['refund_large', 1], ['report_ready', 2]])
    await mailsSettled()
    // Callback failed, payout declined, large refund; the go-live notice is not mailed by default.
    expect(smtp.received.filter((m) => m.to.includes(emails.owner))).toHaveLength(3)
  })

  it('counts unread notifications and marks one or all read, only the user\'s own', async () => {
    const unread = async (who: Promise<Agent>) => ((await (await t.call(await who, 'GET', '/api/dashboard/notifications/unread')).json()) as { unread: number }).unread
    expect(await unread(agents.owner)).toBe(5)
    expect(await unread(agents.foreignOwner)).toBe(1)
    const page = v.parse(NotificationPageSchema, await (await t.call(await agents.owner, 'GET', '/api/dashboard/notifications')).json())
    expect(page.unread).toBe(5)
    const first = page.notifications[0]!
    const res = await t.call(await agents.owner, 'POST', `/api/dashboard/notifications/${first.id}/read`)
    expect(await res.json()).toEqual({ unread: 4 })
    // Someone else's notification is not theirs to mark, nor confirmed to exist.
    expect((await t.call(await agents.admin, 'POST', `/api/dashboard/notifications/${first.id}/read`)).status).toBe(404)
    expect((await t.call(await agents.admin, 'POST', '/api/dashboard/notifications/abc/read')).status).toBe(404)
    expect(await unread(agents.admin)).toBe(4)
    const again = v.parse(NotificationPageSchema, await (await t.call(await agents.owner, 'GET', '/api/dashboard/notifications')).json())
    expect(again.notifications.find((n) => n.id === first.id)!.read).toBe(true)
    expect(await (await t.call(await agents.owner, 'POST', '/api/dashboard/notifications/read-all')).json()).toEqual({ unread: 0 })
    expect(await unread(agents.owner)).toBe(0)
    expect(await unread(agents.admin)).toBe(4)
  })

  // Last: the counts above are of the five kinds before it.
  it('tells owners, admins and managers in scope of a reconciliation that found mismatches, once per project and day', async () => {
    const notice = notifiedReconciliationNotice(sql, t.deps.logger, () => clock.now())
    const report = { projectId: TEST_PROJECT.id, orgId: undefined, day: '2030-01-05', checked: 40, mismatches: [{} as never, {} as never] }
    await notice.onReconciliationMismatch(report)
    await notice.onReconciliationMismatch(report)
    expect(await whoGot('reconciliation_mismatch')).toEqual(['admin', 'manager', 'owner'])
    await mailsSettled()
    expect(mailedFor(/Reconciliation mismatches/)).toEqual(['admin', 'manager', 'owner'])
    const page = v.parse(NotificationPageSchema, await (await t.call(await agents.manager, 'GET', '/api/dashboard/notifications')).json())
    expect(page.notifications.find((n) => n.kind === 'reconciliation_mismatch')).toMatchObject({ day: '2030-01-05', mismatches: 2, project: { id: TEST_PROJECT.id } })
  })
})
