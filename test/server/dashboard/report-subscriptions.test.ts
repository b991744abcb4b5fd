import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SubscriptionView } from '../../../protocol/schemas/dashboard/subscriptions.ts'
import { SUBSCRIPTION_JOB, subscriptionScheduler } from '../../../server/dashboard/reports/subscription-runs.ts'
import { createProjectSettingsStore } from '../../../server/dashboard/store/project-settings-store.ts'
import { createSubscriptionStore } from '../../../server/dashboard/store/subscription-store.ts'
import { createUserStore } from '../../../server/dashboard/store/user-store.ts'
import { createLogger } from '../../../server/logger.ts'
import { openPostgres } from '../../../server/storage/postgres.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { openPostgresSchema, testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, jobsSettled, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { startSmtp, type ReceivedMail } from '../../fixtures/smtp.ts'
import { fixedClock } from '../../fixtures/test-app.ts'

// Report subscriptions (issue 13 item 5): reports mailed over real SMTP with the file attached,
// in the subscriber's zone; a subscription lives in the database, so it survives restarts; a
// run missed while the server was down is made once when it is back, never twice. Time moves
// by the injected clock, never by waiting.

const P1 = 7401
const P2 = 7402
const OTHER = 7403
const TZ = 'Europe/Moscow' // UTC+3 all year: 09:00 there is 06:00Z

/** Operations by instant, with their Moscow date. */
const OPS = [
  { id: 1, project: P1, at: '2030-01-13T20:59:59Z', type: 'sale', status: 'success', amount: 1000, currency: 'EUR', test: true }, // 13 Jan 23:59:59
  { id: 2, project: P1, at: '2030-01-13T21:00:00Z', type: 'sale', status: 'success', amount: 1250, currency: 'EUR', test: true }, // 14 Jan 00:00
  { id: 3, project: P2, at: '2030-01-14T09:00:00Z', type: 'sale', status: 'decline', amount: 500, currency: 'JPY', test: true }, // 14 Jan
  { id: 4, project: P1, at: '2030-01-14T20:59:59Z', type: 'refund', status: 'success', amount: 250, currency: 'EUR', test: true }, // 14 Jan 23:59:59
  { id: 5, project: P1, at: '2030-01-14T21:00:00Z', type: 'sale', status: 'success', amount: 99, currency: 'USD', test: true }, // 15 Jan
  { id: 6, project: P1, at: '2030-01-16T10:00:00Z', type: 'sale', status: 'success', amount: 700, currency: 'EUR', test: true }, // 16 Jan
  { id: 7, project: P1, at: '2030-01-17T10:00:00Z', type: 'sale', status: 'success', amount: 800, currency: 'EUR', test: true }, // 17 Jan
  { id: 8, project: P1, at: '2030-01-14T10:00:00Z', type: 'sale', status: 'success', amount: 300, currency: 'EUR', test: false }, // live
  { id: 9, project: OTHER, at: '2030-01-14T10:00:00Z', type: 'sale', status: 'success', amount: 900, currency: 'EUR', test: true }, // another organisation
  { id: 10, project: P1, at: '2030-01-18T10:00:00Z', type: 'sale', status: 'success', amount: 400, currency: 'EUR', test: true }, // 18 Jan
  { id: 11, project: P2, at: '2030-01-18T11:00:00Z', type: 'sale', status: 'success', amount: 600, currency: 'EUR', test: true }, // 18 Jan
] as const

const csvRows = (bytes: Buffer) => bytes.toString('utf8').replace(/^\ufeff/, '').trim().split('\r\n').map((line) => line.split(','))

async function xlsxRows(bytes: Buffer): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(bytes as unknown as ArrayBuffer)
  return book.worksheets[0]!.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1))
}

describe.each(testDatabases())('report subscriptions ($name)', { timeout: 120_000 }, (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let owner: Agent
  let viewer: Agent
  let developer: Agent
  let users: Record<'owner' | 'viewer' | 'developer', { id: string; email: string }>
  /** Moves the clock to `at`, opening fresh sessions (days pass: the old ones time out). */
  const moveTo = async (at: string | number) => {
    clock.advance((typeof at === 'string' ? new Date(at).getTime() : clock.now().getTime() + at) - clock.now().getTime())
    owner = await t.signedIn(users.owner)
    viewer = await t.signedIn(users.viewer)
    developer = await t.signedIn(users.developer)
  }
  let orgId: string
  const clock = fixedClock(new Date('2030-01-14T12:00:00Z'))
  const mailsTo = (address: string): ReceivedMail[] => smtp.received.filter((m) => m.to.includes(address))
  /** What the once-a-second poll does: queue due runs, then make every waiting job. */
  const poll = async (app: DashboardTestApp = t) => {
    const queued = await app.d.subscriptionScheduler.tick()
    await jobsSettled(app.d.jobWorker, app.d.sql)
    return queued
  }
  const list = async (agent: Agent) => ((await (await t.call(agent, 'GET', '/api/dashboard/report-subscriptions')).json()) as { subscriptions: SubscriptionView[] }).subscriptions
  const subscribe = async (agent: Agent, body: Record<string, unknown>) => {
    const res = await t.call(agent, 'POST', '/api/dashboard/report-subscriptions', { report: 'operations', format: 'csv', mode: 'test', cadence: 'daily', hour: 9, tz: TZ, ...body })
    expect(res.status).toBe(200)
    return (await res.json()) as SubscriptionView
  }

  beforeAll(async () => {
    smtp = await startSmtp()
    sql = await db.open()
    t = await dashboardApp(sql, { clock, env: { SMTP_URL: smtp.url } })
    orgId = await t.org('Subscriptions')
    const other = await t.org('Elsewhere')
    await t.project(P1, orgId)
    await t.project(P2, orgId)
    await t.project(OTHER, other)
    users = {
      owner: await t.user('owner@subs.example', 'owner', orgId),
      viewer: await t.user('viewer@subs.example', 'viewer', orgId, [P1]),
      developer: await t.user('dev@subs.example', 'developer', orgId),
    }
    await moveTo(0)
    for (const op of OPS) {
      const id = `pay_sub_${op.id}`
      await sql.query(
        `INSERT INTO payments (id, project_id, payment_id, type, operation_type, amount, currency, status, max_attempts, params, created_at, updated_at, test, channel)
         VALUES ($1, $2, $3, 'purchase', 'sale', $4, $5, 'success', 3, '{}', $6, $6, $7, 'gate')`,
        [id, op.project, `order-${op.id}`, op.amount, op.currency, new Date(op.at), op.test],
      )
      await sql.query(
        `INSERT INTO operations (id, payment_row_id, type, status, amount, currency, request_id, provider_id, code, message, method, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'sim', '0', 'Success', 'card', $8, $8)`,
        [74_000 + op.id, id, op.type, op.status, op.amount, op.currency, `r${op.id}`, new Date(op.at)],
      )
    }
  })
  afterAll(async () => {
    await sql.close()
    await smtp.close()
  })

  it('subscribes to a daily report and receives it over SMTP with an attached file whose rows are the day\'s payments', async () => {
    const made = await subscribe(owner, { recipients: ['Books@Subs.example', 'cfo@subs.example'] })
    expect(made).toMatchObject({ cadence: 'daily', hour: 9, tz: TZ, recipients: ['books@subs.example', 'cfo@subs.example'], active: true, next_run_at: '2030-01-15T06:00:00.000Z', last_period_end: null, last_status: null })

    // One second before 09:00 in Moscow nothing is due.
    await moveTo('2030-01-15T05:59:59Z')
    expect(await poll()).toBe(0)
    await moveTo(1000)
    expect(await poll()).toBe(1)
    for (const address of ['books@subs.example', 'cfo@subs.example']) {
      const [mail, ...more] = mailsTo(address)
      expect(more).toEqual([])
      expect(mail!.subject).toBe('EPay report: operations, 2030-01-14')
      expect(mail!.text).toContain('Your daily report of operations for 2030-01-14 (Europe/Moscow, test payments) is attached')
      expect(mail!.text).toContain('owner@subs.example subscribed this address')
      expect(mail!.attachments.map((a) => [a.filename, a.contentType])).toEqual([['epay-operations-2030-01-14-2030-01-14.csv', 'text/csv']])
      const rows = csvRows(mail!.attachments[0]!.content)
      expect(rows[0]).toEqual(['created', 'payment_id', 'operation_id', 'project_id', 'type', 'status', 'amount', 'currency', 'method', 'code', 'message', 'card', 'customer_id'])
      expect(rows.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[5], r[6], r[7]])).toEqual([
        ['2030-01-14 00:00:00', 'order-2', String(P1), 'sale', 'success', '12.5', 'EUR'],
        ['2030-01-14 12:00:00', 'order-3', String(P2), 'sale', 'decline', '500', 'JPY'],
        ['2030-01-14 23:59:59', 'order-4', String(P1), 'refund', 'success', '2.5', 'EUR'],
      ])
    }
    // Done once: the poll goes on and mails nothing more until the next day's hour.
    await moveTo(3_600_000)
    expect(await poll()).toBe(0)
    expect(mailsTo('books@subs.example')).toHaveLength(1)
    expect((await list(owner)).find((s) => s.id === made.id)).toMatchObject({ last_status: 'done', last_period_end: '2030-01-14', next_run_at: '2030-01-16T06:00:00.000Z' })

    expect((await t.call(owner, 'DELETE', `/api/dashboard/report-subscriptions/${made.id}`)).status).toBe(200)
    expect((await list(owner)).map((s) => s.id)).not.toContain(made.id)
  })

  it('survives a restart; runs missed while the server was down are mailed once, over the days missed, in the subscriber\'s language', async () => {
    await t.d.users.setLanguage(owner.userId, 'ru', clock.now())
    const made = await subscribe(owner, { report: 'statistics', format: 'xlsx', recipients: ['ops@subs.example'] })
    expect(made.next_run_at).toBe('2030-01-16T06:00:00.000Z')

    // The server is down from now until 18 January, 10:00 in Moscow: three runs missed. Two
    // processes start over the same database (new objects: nothing carried in memory).
    await moveTo('2030-01-18T07:00:00Z')
    const first = await dashboardApp(sql, { clock, env: { SMTP_URL: smtp.url }, addProject: false })
    const second = await dashboardApp(sql, { clock, env: { SMTP_URL: smtp.url }, addProject: false })
    expect((await poll(first)) + (await poll(second))).toBe(1)
    expect((await poll(first)) + (await poll(second))).toBe(0)

    const [mail, ...more] = mailsTo('ops@subs.example')
    expect(more).toEqual([])
    expect(mail!.subject).toBe('Отчёт EPay: статистика, 2030-01-15 – 2030-01-17')
    expect(mail!.text).toContain('Ежедневный отчёт «статистика» за 2030-01-15 – 2030-01-17 (Europe/Moscow, тестовые платежи)')
    expect(mail!.attachments[0]!.filename).toBe('epay-statistics-2030-01-15-2030-01-17.xlsx')
    expect(await xlsxRows(mail!.attachments[0]!.content)).toEqual([
      ['day', 'project_id', 'currency', 'method', 'type', 'status', 'count', 'amount'],
      ['2030-01-15', P1, 'USD', 'card', 'sale', 'success', 1, 0.99],
      ['2030-01-16', P1, 'EUR', 'card', 'sale', 'success', 1, 7],
      ['2030-01-17', P1, 'EUR', 'card', 'sale', 'success', 1, 8],
    ])
    const after = (await list(owner)).find((s) => s.id === made.id)!
    expect(after).toMatchObject({ last_status: 'done', last_period_end: '2030-01-17', next_run_at: '2030-01-19T06:00:00.000Z' })

    // The job made again after its process died (as a dead holder leaves it) mails no one twice.
    const job = (await sql.query<{ id: unknown }>('SELECT id FROM jobs WHERE kind = $1 ORDER BY id DESC LIMIT 1', [SUBSCRIPTION_JOB]))[0]!.id
    await sql.query("UPDATE jobs SET status = 'running', holder = 1, attempts = 1 WHERE id = $1", [job])
    expect(await second.d.jobWorker.tick()).toBe(true)
    expect((await second.d.jobs.get(Number(job)))!.status).toBe('done')
    expect(mailsTo('ops@subs.example')).toHaveLength(1)

    await t.d.users.setLanguage(owner.userId, 'en', clock.now())
    expect((await t.call(owner, 'DELETE', `/api/dashboard/report-subscriptions/${made.id}`)).status).toBe(200)
  })

  it('runs over what the subscriber may see at the time of the run; pausing stops it and resuming does not mail the paused days', async () => {
    // Now 18 January 10:00 in Moscow.
    const mine = await subscribe(viewer, { recipients: ['viewer-box@subs.example'] })
    expect(mine.next_run_at).toBe('2030-01-19T06:00:00.000Z')
    await moveTo('2030-01-19T06:00:00Z')
    expect(await poll()).toBe(1)
    const [mail] = mailsTo('viewer-box@subs.example')
    expect(csvRows(mail!.attachments[0]!.content).slice(1).map((r) => r[1])).toEqual(['order-10']) // not order-11 of P2

    // Paused: no run at its hour; resumed two days later: the next run covers one day only.
    const paused = (await (await t.call(viewer, 'PATCH', `/api/dashboard/report-subscriptions/${mine.id}`, { active: false })).json()) as SubscriptionView
    expect([paused.active, paused.next_run_at]).toEqual([false, null])
    await moveTo(2 * 86_400_000 + 3_600_000) // 21 January 10:00
    expect(await poll()).toBe(0)
    const resumed = (await (await t.call(viewer, 'PATCH', `/api/dashboard/report-subscriptions/${mine.id}`, { active: true })).json()) as SubscriptionView
    expect([resumed.active, resumed.next_run_at]).toEqual([true, '2030-01-22T06:00:00.000Z'])
    await moveTo('2030-01-22T06:00:00Z')
    expect(await poll()).toBe(1)
    expect(mailsTo('viewer-box@subs.example').map((m) => m.attachments[0]!.filename)).toEqual(['epay-operations-2030-01-18-2030-01-18.csv', 'epay-operations-2030-01-21-2030-01-21.csv'])

    // A disabled subscriber's report is not made.
    await t.d.users.setDisabled(viewer.userId, clock.now(), clock.now())
    await moveTo(86_400_000)
    expect(await poll()).toBe(0)
    expect(mailsTo('viewer-box@subs.example')).toHaveLength(2)
    await t.d.users.setDisabled(viewer.userId, null, clock.now())
    expect(await t.journalActions(orgId)).toEqual(expect.arrayContaining(['report_subscribed', 'report_subscription_changed', 'report_unsubscribed']))
  })

  it('is its maker\'s alone, needs the rights of reports, and refuses bad input with a stable code', async () => {
    const theirs = (await list(viewer))[0]!
    expect((await list(owner)).map((s) => s.id)).not.toContain(theirs.id)
    expect((await t.call(owner, 'PATCH', `/api/dashboard/report-subscriptions/${theirs.id}`, { active: false })).status).toBe(404)
    expect((await t.call(owner, 'DELETE', `/api/dashboard/report-subscriptions/${theirs.id}`)).status).toBe(404)
    expect((await t.call(owner, 'DELETE', '/api/dashboard/report-subscriptions/nope')).status).toBe(404)
    expect((await t.call(developer, 'GET', '/api/dashboard/report-subscriptions')).status).toBe(403)
    expect((await t.call(developer, 'POST', '/api/dashboard/report-subscriptions', { report: 'operations', format: 'csv', mode: 'test', cadence: 'daily', hour: 9, tz: TZ, recipients: ['a@subs.example'] })).status).toBe(403)

    const base = { report: 'operations', format: 'csv', mode: 'test', cadence: 'daily', hour: 9, tz: TZ, recipients: ['a@subs.example'] }
    const many = Array.from({ length: 11 }, (_, i) => `r${i}@subs.example`)
    for (const bad of [{ recipients: many }, { recipients: [] }, { recipients: ['not-an-address'] }, { recipients: ['a@subs.example', 'A@subs.example'] },
      { hour: 24 }, { hour: 8.5 }, { tz: 'Mars/Base' }, { cadence: 'hourly' }]) {
      const res = await t.call(owner, 'POST', '/api/dashboard/report-subscriptions', { ...base, ...bad })
      expect([JSON.stringify(bad), res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([JSON.stringify(bad), 400, 'validation_failed'])
    }
    expect((await t.call(owner, 'POST', '/api/dashboard/report-subscriptions', { ...base, project: OTHER })).status).toBe(404)
    expect((await t.call(viewer, 'POST', '/api/dashboard/report-subscriptions', { ...base, project: P2 })).status).toBe(404)

    // At most 20 each.
    for (let i = (await list(owner)).length; i < 20; i++) await subscribe(owner, { recipients: [`n${i}@subs.example`] })
    const over = await t.call(owner, 'POST', '/api/dashboard/report-subscriptions', base)
    expect([over.status, ((await over.json()) as { error: { code: string } }).error.code]).toEqual([400, 'limit_exceeded'])
  })
})

// PGlite is one process per data directory: processes race for a run only on PostgreSQL.
const URL = process.env['DATABASE_URL']
describe.skipIf(!URL)('report subscriptions across processes on PostgreSQL', () => {
  let sql: Sql
  beforeAll(async () => {
    sql = await openPostgresSchema(URL!)
  })
  afterAll(() => sql.close())

  it('three processes polling at once queue each due run once', async () => {
    const [{ schema }] = (await sql.query<{ schema: string }>('SELECT current_schema() AS schema')) as [{ schema: string }]
    const clock = fixedClock(new Date('2030-01-20T12:00:00Z'))
    const t = await dashboardApp(sql, { clock })
    const org = await t.org('Race')
    await t.project(7501, org)
    const user = await t.user('race@subs.example', 'owner', org)
    const store = createSubscriptionStore(sql)
    const ids: number[] = []
    for (let i = 0; i < 12; i++) {
      const s = await store.add({ orgId: org, userId: user.id, report: 'operations', format: 'csv', mode: 'test', project: null, cadence: i % 2 ? 'daily' : 'weekly', hour: i, tz: 'America/New_York',
        recipients: ['race@subs.example'], nextRunAt: new Date('2030-01-19T00:00:00Z'), lastPeriodEnd: '2030-01-10' }, clock.now())
      ids.push(s.id)
    }
    const pools = await Promise.all([0, 1, 2].map(() => openPostgres(URL!, { schema, max: 3 })))
    try {
      const logger = createLogger('error')
      const schedulers = pools.map((pool) => subscriptionScheduler({ subscriptions: createSubscriptionStore(pool), users: createUserStore(pool), projectSettings: createProjectSettingsStore(pool), clock, logger }))
      let queued = 0
      for (let round = 0; round < 3; round++) {
        for (const n of await Promise.all(schedulers.map((s) => s.tick()))) queued += n
      }
      const jobs = await sql.query<{ subscription: unknown; n: unknown }>(
        "SELECT params->>'subscription' AS subscription, count(*) AS n FROM jobs WHERE kind = $1 GROUP BY 1 ORDER BY 1", [SUBSCRIPTION_JOB])
      expect(queued).toBe(12)
      expect(jobs.map((j) => [Number(j.subscription), Number(j.n)]).sort((a, b) => a[0]! - b[0]!)).toEqual(ids.map((id) => [id, 1]))
      for (const id of ids) expect((await store.get(id))!.nextRunAt > clock.now()).toBe(true)
    } finally {
      await Promise.all(pools.map((p) => p.close()))
    }
  })
})
