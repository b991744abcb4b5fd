import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ReportView } from '../../../protocol/schemas/dashboard/reports.ts'
import { jobStore, type Job } from '../../../server/jobs/job-store.ts'
import { jobWorker, type JobOutput } from '../../../server/jobs/job-worker.ts'
import { createLogger } from '../../../server/logger.ts'
import { openPostgres } from '../../../server/storage/postgres.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { openPostgresSchema, testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, jobsSettled, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { fixedClock } from '../../fixtures/test-app.ts'

// Reports (SPEC §14, issue 13 item 4): made by the job queue in the database, in the user's
// time zone, over the projects they may see, downloadable by their maker for 7 days; each job
// runs to its end once, across processes and restarts.

const P1 = 7301
const P2 = 7302
const OTHER = 7303
const TZ = 'Europe/Moscow' // UTC+3 all year
const PERIOD = { from: '2030-01-10', to: '2030-01-12' }

/** Operations by instant: inside the period iff its Moscow date is 10–12 January. */
const OPS = [
  { id: 1, project: P1, at: '2030-01-09T20:59:59Z', type: 'sale', status: 'success', amount: 1000, currency: 'EUR', test: true }, // 9 Jan 23:59 local
  { id: 2, project: P1, at: '2030-01-09T21:00:00Z', type: 'sale', status: 'success', amount: 1250, currency: 'EUR', test: true }, // 10 Jan 00:00
  { id: 3, project: P1, at: '2030-01-11T08:00:00Z', type: 'refund', status: 'success', amount: 250, currency: 'EUR', test: true },
  { id: 4, project: P2, at: '2030-01-11T09:00:00Z', type: 'sale', status: 'decline', amount: 500, currency: 'JPY', test: true },
  { id: 5, project: P1, at: '2030-01-12T20:59:59Z', type: 'sale', status: 'success', amount: 99, currency: 'USD', test: true }, // 12 Jan 23:59:59
  { id: 6, project: P1, at: '2030-01-12T21:00:00Z', type: 'sale', status: 'success', amount: 700, currency: 'EUR', test: true }, // 13 Jan
  { id: 7, project: P1, at: '2030-01-11T10:00:00Z', type: 'sale', status: 'success', amount: 800, currency: 'EUR', test: false }, // live
  { id: 8, project: OTHER, at: '2030-01-11T10:00:00Z', type: 'sale', status: 'success', amount: 900, currency: 'EUR', test: true }, // another organisation
] as const

const csvRows = (text: string) => text.replace(/^\ufeff/, '').trim().split('\r\n').map((line) => line.split(','))

describe.each(testDatabases())('reports by the job queue ($name)', (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let owner: Agent
  let viewer: Agent
  let developer: Agent
  let orgId: string
  const clock = fixedClock(new Date('2030-01-15T10:00:00Z'))

  beforeAll(async () => {
    sql = await db.open()
    t = await dashboardApp(sql, { clock })
    const org = (orgId = await t.org('Reports'))
    const other = await t.org('Elsewhere')
    await t.project(P1, org)
    await t.project(P2, org)
    await t.project(OTHER, other)
    owner = await t.signedIn(await t.user('owner@reports.example', 'owner', org))
    viewer = await t.signedIn(await t.user('viewer@reports.example', 'viewer', org, [P1]))
    developer = await t.signedIn(await t.user('dev@reports.example', 'developer', org))
    for (const op of OPS) {
      const id = `pay_rep_${op.id}`
      await sql.query(
        `INSERT INTO payments (id, project_id, payment_id, type, operation_type, amount, currency, status, max_attempts, params, created_at, updated_at, test, channel, customer_id)
         VALUES ($1, $2, $3, 'purchase', 'sale', $4, $5, 'success', 3, '{}', $6, $6, $7, 'gate', 'Клиент 1')`,
        [id, op.project, `order-${op.id}`, op.amount, op.currency, new Date(op.at), op.test],
      )
      await sql.query(
        `INSERT INTO operations (id, payment_row_id, type, status, amount, currency, request_id, provider_id, code, message, method, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'sim', $8, $9, 'card', $10, $10)`,
        [73_000 + op.id, id, op.type, op.status, op.amount, op.currency, `r${op.id}`, op.status === 'decline' ? '20105' : '0', op.status === 'decline' ? 'Insufficient funds' : 'Success', new Date(op.at)],
      )
    }
  })
  afterAll(() => sql.close())

  /** Asks for a report, lets this process's worker make it, and downloads it. */
  async function make(agent: Agent, body: Record<string, unknown>): Promise<{ view: ReportView; file: Response }> {
    const res = await t.call(agent, 'POST', '/api/dashboard/reports', { tz: TZ, mode: 'test', ...PERIOD, ...body })
    expect(res.status).toBe(200)
    const asked = (await res.json()) as ReportView
    expect(asked.status).toBe('queued')
    await jobsSettled(t.d.jobWorker, sql)
    const list = (await (await t.call(agent, 'GET', '/api/dashboard/reports')).json()) as { reports: ReportView[] }
    const view = list.reports.find((r) => r.id === asked.id)!
    expect(view.status).toBe('done')
    return { view, file: await t.call(agent, 'GET', view.file_url!) }
  }

  it('operations as CSV: the user\'s days in their zone, one mode, their organisation, amounts in the currency\'s exponent', async () => {
    const { view, file } = await make(owner, { report: 'operations', format: 'csv' })
    expect(file.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(file.headers.get('content-disposition')).toBe('attachment; filename="epay-operations-2030-01-10-2030-01-12.csv"')
    const rows = csvRows(await file.text())
    expect(rows[0]).toEqual(['created', 'payment_id', 'operation_id', 'project_id', 'type', 'status', 'amount', 'currency', 'method', 'code', 'message', 'card', 'customer_id'])
    expect(rows.slice(1).map((r) => [r[0], r[1], r[3], r[4], r[5], r[6], r[7], r[12]])).toEqual([
      ['2030-01-10 00:00:00', 'order-2', String(P1), 'sale', 'success', '12.5', 'EUR', 'Клиент 1'],
      ['2030-01-11 11:00:00', 'order-3', String(P1), 'refund', 'success', '2.5', 'EUR', 'Клиент 1'],
      ['2030-01-11 12:00:00', 'order-4', String(P2), 'sale', 'decline', '500', 'JPY', 'Клиент 1'],
      ['2030-01-12 23:59:59', 'order-5', String(P1), 'sale', 'success', '0.99', 'USD', 'Клиент 1'],
    ])
    expect(view.expires_at).toBe('2030-01-22T10:00:00.000Z')
  })

  it('statistics as XLSX: counts and sums per day, project, currency, method, type and status', async () => {
    const { file } = await make(owner, { report: 'statistics', format: 'xlsx', mode: 'test' })
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(Buffer.from(await file.arrayBuffer()) as unknown as ArrayBuffer)
    const values = book.worksheets[0]!.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1))
    expect(values).toEqual([
      ['day', 'project_id', 'currency', 'method', 'type', 'status', 'count', 'amount'],
      ['2030-01-10', P1, 'EUR', 'card', 'sale', 'success', 1, 12.5],
      ['2030-01-11', P1, 'EUR', 'card', 'refund', 'success', 1, 2.5],
      ['2030-01-11', P2, 'JPY', 'card', 'sale', 'decline', 1, 500],
      ['2030-01-12', P1, 'USD', 'card', 'sale', 'success', 1, 0.99],
    ])
  })

  it('live mode holds only live money', async () => {
    const { file } = await make(owner, { report: 'operations', format: 'csv', mode: 'live' })
    expect(csvRows(await file.text()).slice(1).map((r) => r[1])).toEqual(['order-7'])
  })

  it('covers only the projects the maker may see, and is the maker\'s alone', async () => {
    const { view, file } = await make(viewer, { report: 'operations', format: 'csv' })
    expect(csvRows(await file.text()).slice(1).map((r) => r[1])).toEqual(['order-2', 'order-3', 'order-5'])
    expect((await t.call(viewer, 'POST', '/api/dashboard/reports', { tz: TZ, mode: 'test', ...PERIOD, report: 'operations', format: 'csv', project: P2 })).status).toBe(404)
    expect((await t.call(owner, 'POST', '/api/dashboard/reports', { tz: TZ, mode: 'test', ...PERIOD, report: 'operations', format: 'csv', project: OTHER })).status).toBe(404)
    // Another member of the organisation neither lists nor fetches it.
    expect((await t.call(owner, 'GET', view.file_url!)).status).toBe(404)
    const listed = (await (await t.call(owner, 'GET', '/api/dashboard/reports')).json()) as { reports: ReportView[] }
    expect(listed.reports.map((r) => r.id)).not.toContain(view.id)
    // Reports are money: developers get none.
    expect((await t.call(developer, 'GET', '/api/dashboard/reports')).status).toBe(403)
    expect((await t.call(developer, 'POST', '/api/dashboard/reports', { tz: TZ, mode: 'test', ...PERIOD, report: 'operations', format: 'csv' })).status).toBe(403)
    expect(await t.journalActions(orgId)).toContain('report_requested')
  })

  it('refuses a bad period or zone with a stable code, and answers 409 while the file is not made', async () => {
    for (const body of [{ from: '2030-01-12', to: '2030-01-10' }, { from: '2029-01-01', to: '2030-01-12' }, { tz: 'Mars/Base' }, { format: 'pdf' }]) {
      const res = await t.call(owner, 'POST', '/api/dashboard/reports', { tz: TZ, mode: 'test', ...PERIOD, report: 'operations', format: 'csv', ...body })
      expect([JSON.stringify(body), res.status, ((await res.json()) as { error: { code: string } }).error.code]).toEqual([JSON.stringify(body), 400, 'validation_failed'])
    }
    // Queued and not yet taken by any worker.
    const job = await t.d.jobs.enqueue({ kind: 'report', orgId, userId: owner.userId, params: { report: 'operations', format: 'csv', ...PERIOD, tz: TZ, mode: 'test', projects: [P1] } }, clock.now())
    const listed = (await (await t.call(owner, 'GET', '/api/dashboard/reports')).json()) as { reports: ReportView[] }
    expect(listed.reports.find((r) => r.id === String(job.id))).toMatchObject({ status: 'queued', file_url: null })
    expect((await t.call(owner, 'GET', `/api/dashboard/reports/${job.id}/file`)).status).toBe(409)
    await jobsSettled(t.d.jobWorker, sql)
  })

  it('keeps a file 7 days, then removes it with its pieces', async () => {
    const { view } = await make(owner, { report: 'statistics', format: 'csv' })
    // Seven days on (the view says when: see the first test), as the clock would find it.
    await sql.query('UPDATE jobs SET expires_at = $2 WHERE id = $1', [Number(view.id), new Date(clock.now().getTime() - 1)])
    expect((await t.call(owner, 'GET', view.file_url!)).status).toBe(404)
    await t.d.jobs.purge(clock.now())
    expect(await sql.query('SELECT 1 FROM jobs WHERE id = $1', [Number(view.id)])).toEqual([])
    expect(await sql.query('SELECT 1 FROM job_file_chunks WHERE job_id = $1', [Number(view.id)])).toEqual([])
  })

  it('a job whose process died is made again from the start of its file, once', async () => {
    const store = jobStore(sql)
    const job = await store.enqueue({ kind: 'count', orgId: undefined, userId: undefined, params: {} }, clock.now())
    // As a process that claimed it and died half-way leaves it: running, a dead holder, a piece.
    await sql.query("UPDATE jobs SET status = 'running', holder = 1, attempts = 1 WHERE id = $1", [job.id])
    await sql.query("INSERT INTO job_file_chunks (job_id, seq, data) VALUES ($1, 0, 'half')", [job.id])
    const runs: number[] = []
    const worker = jobWorker(store, { count: countingHandler(runs) }, clock, createLogger('error'))
    expect(await worker.tick()).toBe(true)
    expect(await worker.tick()).toBe(false)
    const done = (await store.get(job.id))!
    expect([done.status, done.attempts, runs]).toEqual(['done', 2, [job.id]])
    expect(await readAll(store, job.id)).toBe(`job ${job.id}\n`.repeat(3))
  })

  it('a job every run of which ended with its process is given up, not run forever', async () => {
    const store = jobStore(sql)
    const job = await store.enqueue({ kind: 'count', orgId: undefined, userId: undefined, params: {} }, clock.now())
    await sql.query("UPDATE jobs SET status = 'running', holder = 1, attempts = 3 WHERE id = $1", [job.id])
    const runs: number[] = []
    await jobWorker(store, { count: countingHandler(runs) }, clock, createLogger('error')).tick()
    expect([(await store.get(job.id))!.status, (await store.get(job.id))!.error, runs]).toEqual(['failed', 'interrupted', []])
  })
})

// PGlite is one process per data directory (its lock refuses a second): several processes
// share a queue only on PostgreSQL.
const URL = process.env['DATABASE_URL']
describe.skipIf(!URL)('the job queue across processes on PostgreSQL', () => {
  let sql: Sql
  beforeAll(async () => {
    sql = await openPostgresSchema(URL!)
  })
  afterAll(() => sql.close())

  it('each job made once, a live holder\'s job never taken over', async () => {
    const [{ schema }] = (await sql.query<{ schema: string }>('SELECT current_schema() AS schema')) as [{ schema: string }]
    const clock = fixedClock()
    const others = await Promise.all([0, 1].map(() => openPostgres(URL!, { schema, max: 3 })))
    try {
      const stores = [sql, ...others].map((s) => jobStore(s))
      const runs: number[] = []
      const workers = stores.map((s) => jobWorker(s, { count: countingHandler(runs) }, clock, createLogger('error')))
      const jobs: Job[] = []
      for (let i = 0; i < 24; i++) jobs.push(await stores[0]!.enqueue({ kind: 'count', orgId: undefined, userId: undefined, params: {} }, clock.now()))
      await Promise.all(workers.map(async (w) => {
        while (await w.tick()) {
          // until the queue is empty
        }
      }))
      expect(runs.sort((a, b) => a - b)).toEqual(jobs.map((j) => j.id))
      for (const j of jobs) expect((await stores[0]!.get(j.id))!.status).toBe('done')

      // A claims a job and is still alive: B must leave it alone; once A's process is gone, B makes it.
      const held = await stores[0]!.enqueue({ kind: 'count', orgId: undefined, userId: undefined, params: {} }, clock.now())
      expect((await stores[1]!.claim(clock.now()))!.id).toBe(held.id)
      expect(await workers[2]!.tick()).toBe(false)
      await others[0]!.close()
      expect(await workers[2]!.tick()).toBe(true)
      expect((await stores[2]!.get(held.id))!.attempts).toBe(2)
      expect(runs.filter((id) => id === held.id)).toEqual([held.id])
    } finally {
      await Promise.all(others.map((o) => o.close().catch(() => undefined)))
    }
  })
})

/** A handler that records each run and writes its job id three times, in three pieces. */
function countingHandler(runs: number[]) {
  return async (job: Job): Promise<JobOutput> => {
    runs.push(job.id)
    async function* body() {
      for (let i = 0; i < 3; i++) yield new TextEncoder().encode(`job ${job.id}\n`)
    }
    return { fileName: 'count.txt', contentType: 'text/plain', body: body() }
  }
}

async function readAll(store: ReturnType<typeof jobStore>, id: number): Promise<string> {
  let text = ''
  for await (const piece of store.chunks(id)) text += new TextDecoder().decode(piece)
  return text
}
