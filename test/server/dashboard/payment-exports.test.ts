import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DIRECT_EXPORT_ROWS, type PaymentExportStart, type PaymentExportView } from '../../../protocol/schemas/dashboard/payment-exports.ts'
import type { PaymentList, PaymentRow } from '../../../protocol/schemas/dashboard/payments.ts'
import { seedPayments } from '../../../server/storage/seed-payments.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, jobsSettled, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { pdfLines } from '../../fixtures/pdf-text.ts'
import { fixedClock } from '../../fixtures/test-app.ts'

// Exports of the payments list (issue 12 item 3): PDF, and large exports made by the job
// queue; each background export is made once, downloadable by its maker only, for 7 days.

const P1 = 8401
const P2 = 8402
const OTHER = 8403
const TZ = 'Europe/Moscow' // UTC+3 all year

/** Hand-made payments with what a PDF must keep: Cyrillic, a currency without decimals, a cut-off text. */
const PAYMENTS = [
  { id: 'pay_exp_1', project: P1, order: 'order-1', at: '2030-01-10T09:00:00Z', amount: 1250, currency: 'EUR', status: 'success', description: 'Зелёный чай, 2 коробки', email: 'анна@почта.example' },
  { id: 'pay_exp_2', project: P2, order: 'order-2', at: '2030-01-11T21:30:00Z', amount: 500, currency: 'JPY', status: 'awaiting capture', description: 'Matcha', email: null },
  { id: 'pay_exp_3', project: P1, order: 'order-3', at: '2030-01-12T00:00:05Z', amount: 99, currency: 'USD', status: 'decline', description: 'A very long description that cannot fit in its column of the PDF', email: 'bob@shop.example' },
  { id: 'pay_exp_4', project: OTHER, order: 'order-4', at: '2030-01-12T10:00:00Z', amount: 700, currency: 'EUR', status: 'success', description: 'Elsewhere', email: null },
] as const

describe.each(testDatabases())('payments exports ($name)', (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let viewer: Agent
  let manager: Agent
  let outsider: Agent
  const clock = fixedClock(new Date('2030-01-15T10:00:00Z'))

  beforeAll(async () => {
    sql = await db.open()
    t = await dashboardApp(sql, { clock })
    const org = await t.org('Exports')
    const other = await t.org('Elsewhere')
    await t.project(P1, org)
    await t.project(P2, org)
    await t.project(OTHER, other)
    viewer = await t.signedIn(await t.user('viewer@exports.example', 'viewer', org))
    manager = await t.signedIn(await t.user('manager@exports.example', 'manager', org))
    outsider = await t.signedIn(await t.user('owner@elsewhere.example', 'owner', other))
    for (const p of PAYMENTS) {
      await sql.query(
        `INSERT INTO payments (id, project_id, payment_id, type, operation_type, amount, currency, status, max_attempts, params, created_at, updated_at, test, channel,
           customer_id, customer_email, description, method, card_first6, card_last4, card_brand, operation_types)
         VALUES ($1, $2, $3, 'purchase', 'sale', $4, $5, $6, 3, '{}', $7, $7, true, 'gate', 'cust-1', $8, $9, 'card', '555555', '4444', 'mastercard', ARRAY['sale'])`,
        [p.id, p.project, p.order, p.amount, p.currency, p.status, new Date(p.at), p.email, p.description],
      )
    }
  })
  afterAll(() => sql.close())

  const start = async (agent: Agent, body: Record<string, unknown>) => {
    const res = await t.call(agent, 'POST', '/api/dashboard/payments/exports', { tz: TZ, ...body })
    expect(res.status).toBe(200)
    return (await res.json()) as PaymentExportStart
  }
  /** Runs the queue dry; the request already started a drain, which a tick waits behind. */
  const drain = () => jobsSettled(t.d.jobWorker, sql)
  const exportsOf = async (agent: Agent) => ((await (await t.call(agent, 'GET', '/api/dashboard/payments/exports')).json()) as { exports: PaymentExportView[] }).exports
  const listed = async (agent: Agent, query: string) => ((await (await t.call(agent, 'GET', `/api/dashboard/payments?${query}`)).json()) as PaymentList).payments

  it('makes a PDF in the background once, with the list\'s rows: times in the user\'s zone, amounts in the currency\'s exponent, Cyrillic intact', async () => {
    const asked = await start(viewer, { format: 'pdf', mode: 'test' })
    if (asked.mode !== 'job') throw new Error('a PDF is always a background job')
    expect(asked.export).toMatchObject({ format: 'pdf', status: 'queued', file_url: null })
    // Not made yet: nothing to download. The route starts the app's own drain at once, which may
    // have made its job already; the same job enqueued here waits until someone ticks.
    const started = (await t.d.jobs.get(Number(asked.export.id)))!
    const waiting = await t.d.jobs.enqueue({ kind: started.kind, orgId: started.orgId, userId: started.userId, params: started.params }, clock.now())
    expect((await t.call(viewer, 'GET', `/api/dashboard/payments/exports/${waiting.id}/file`)).status).toBe(409)
    await sql.query('DELETE FROM jobs WHERE id = $1', [waiting.id])
    await drain()
    await drain()
    // Made once: one claim, one file.
    expect(await t.d.jobs.get(Number(asked.export.id))).toMatchObject({ status: 'done', attempts: 1 })
    const view = (await exportsOf(viewer)).find((e) => e.id === asked.export.id)!
    expect(view).toMatchObject({ status: 'done', file_name: `epay-payments-${view.id}.pdf`, expires_at: '2030-01-22T10:00:00.000Z' })
    const file = await t.call(viewer, 'GET', view.file_url!)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('application/pdf')
    const bytes = new Uint8Array(await file.arrayBuffer())
    expect(view.size).toBe(bytes.length)
    expect(Buffer.from(bytes.subarray(0, 5)).toString('latin1')).toBe('%PDF-')
    const [page, ...more] = pdfLines(bytes)
    expect(more).toEqual([])
    expect(page![0]).toEqual(['EPay payments', '2030-01-15 13:00:00 (Europe/Moscow)', '1'])
    expect(page![1]).toEqual(['created', 'payment_id', 'project', 'status', 'amount', 'currency', 'method', 'card', 'customer', 'description', 'mode'])
    const rows = page!.slice(2)
    // The same rows, in the same order, as the list shows for the same filters.
    expect(rows.map((r) => r[1])).toEqual((await listed(viewer, 'mode=test')).map((r: PaymentRow) => r.payment_id))
    expect(rows).toEqual([
      ['2030-01-12 03:00:05', 'order-3', String(P1), 'decline', '0.99', 'USD', 'card', '555555******4444', 'bob@shop.example', expect.stringMatching(/^A very long description.*…$/), 'test'],
      ['2030-01-12 00:30:00', 'order-2', String(P2), 'awaiting capture', '500', 'JPY', 'card', '555555******4444', 'cust-1', 'Matcha', 'test'],
      ['2030-01-10 12:00:00', 'order-1', String(P1), 'success', '12.50', 'EUR', 'card', '555555******4444', 'анна@почта.example', 'Зелёный чай, 2 коробки', 'test'],
    ])
    const journal = await sql.query<{ after: unknown }>(`SELECT after FROM journal WHERE action = 'payments_exported' AND target = $1`, [`export ${view.id}`])
    expect(journal).toHaveLength(1)
  })

  it('gives a background export to its maker only: not to a colleague, not to another organisation', async () => {
    const asked = await start(viewer, { format: 'pdf', project: String(P2) })
    await drain()
    if (asked.mode !== 'job') throw new Error('a PDF is always a background job')
    const url = `/api/dashboard/payments/exports/${asked.export.id}/file`
    expect((await t.call(viewer, 'GET', url)).status).toBe(200)
    expect((await t.call(manager, 'GET', url)).status).toBe(404)
    expect((await t.call(outsider, 'GET', url)).status).toBe(404)
    expect((await exportsOf(manager)).map((e) => e.id)).not.toContain(asked.export.id)
    expect((await exportsOf(outsider))).toEqual([])
    // The outsider's own PDF holds its organisation's payment only.
    const theirs = await start(outsider, { format: 'pdf' })
    await drain()
    if (theirs.mode !== 'job') throw new Error('a PDF is always a background job')
    const lines = pdfLines(new Uint8Array(await (await t.call(outsider, 'GET', `/api/dashboard/payments/exports/${theirs.export.id}/file`)).arrayBuffer()))
    expect(lines[0]!.slice(2).map((r) => r[1])).toEqual(['order-4'])
    expect((await t.call(viewer, 'GET', '/api/dashboard/payments/exports/99999999/file')).status).toBe(404)
    expect((await t.call(viewer, 'GET', '/api/dashboard/payments/exports/abc/file')).status).toBe(404)
  })

  it('refuses an unknown format or time zone with the field named', async () => {
    const format = await t.call(viewer, 'POST', '/api/dashboard/payments/exports', { format: 'docx' })
    expect(format.status).toBe(400)
    expect(((await format.json()) as { error: { param: string } }).error.param).toBe('format')
    const zone = await t.call(viewer, 'POST', '/api/dashboard/payments/exports', { format: 'csv', tz: 'Mars/Base' })
    expect(zone.status).toBe(400)
    expect(((await zone.json()) as { error: { param: string } }).error.param).toBe('tz')
  })

  it(`streams a CSV or XLSX of up to ${DIRECT_EXPORT_ROWS.toLocaleString('en')} rows directly, and makes a larger one in the background`, async () => {
    const small = await start(viewer, { format: 'xlsx', currency: 'EUR' })
    expect(small).toEqual({ mode: 'direct', url: `/api/dashboard/payments/export.xlsx?currency=EUR&tz=${encodeURIComponent(TZ)}` })
    if (small.mode !== 'direct') throw new Error('small')
    const direct = await t.call(viewer, 'GET', small.url)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(Buffer.from(await direct.arrayBuffer()) as unknown as ArrayBuffer)
    expect(book.worksheets[0]!.getColumn(2).values.slice(2)).toEqual(['order-1'])
    expect((await exportsOf(viewer)).filter((e) => e.format === 'xlsx')).toEqual([])

    await seedPayments(sql, { count: DIRECT_EXPORT_ROWS + 1, projectIds: [P1], now: new Date('2030-01-14T09:00:00Z'), tag: 84 })
    const large = await start(viewer, { format: 'csv', project: String(P1) })
    if (large.mode !== 'job') throw new Error(`over ${DIRECT_EXPORT_ROWS} rows is a background job`)
    await drain()
    const view = (await exportsOf(viewer)).find((e) => e.id === large.export.id)!
    expect(view.status).toBe('done')
    const csv = await t.call(viewer, 'GET', view.file_url!)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    const lines = (await csv.text()).replace(/^\ufeff/, '').trim().split('\r\n')
    // Header, the seeded rows, and the two hand-made payments of that project.
    expect(lines).toHaveLength(1 + DIRECT_EXPORT_ROWS + 1 + 2)
    expect(new Set(lines.slice(1).map((l) => l.split(',')[1])).size).toBe(DIRECT_EXPORT_ROWS + 3)
  }, 600_000)
})
