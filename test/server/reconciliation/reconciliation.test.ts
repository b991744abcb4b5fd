import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { ReconciliationViewSchema } from '../../../protocol/schemas/dashboard/reconciliation.ts'
import type { ReconciliationReport } from '../../../server/reconciliation/reconciliation-notice.ts'
import { openPostgres } from '../../../server/storage/postgres.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { dashboardApp, jobsSettled, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { gate, orderId } from '../../fixtures/gate.ts'
import { fixedClock, makeTestApp } from '../../fixtures/test-app.ts'
import { startUpstreamEpay, UPSTREAM_PROJECT } from '../../fixtures/upstream-epay.ts'

/** The front's live project, connected to the upstream EPay's test project through a proxy the test controls. */
const LIVE = { id: 5301, secret: 'front-live-reconcile-secret-0123456789' } as const
const card = (pan = '4242424242424242') => ({ pan, year: 2034, month: 12, card_holder: 'JANE DOE', cvv: '123' })
const D = ['2030-03-10', '2030-03-11', '2030-03-12', '2030-03-13', '2030-03-14', '2030-03-15', '2030-03-16']

/**
 * Loopback HTTP between the front and the upstream: passes everything through, except that it
 * can forward one request and answer it with a page that is not the protocol's (the upstream
 * acted, the front cannot tell).
 */
async function gatewayProxy(target: string) {
  const mode = { garbleNext: undefined as string | undefined }
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', async () => {
      const key = req.headers['idempotency-key']
      const answer = await fetch(`${target}${req.url}`, {
        method: req.method, body: Buffer.concat(chunks), headers: { 'content-type': 'application/json', ...(typeof key === 'string' ? { 'idempotency-key': key } : {}) },
      })
      const text = await answer.text()
      if (mode.garbleNext === req.url) {
        mode.garbleNext = undefined
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Service temporarily unavailable</body></html>')
        return
      }
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    mode,
    close: () => new Promise<void>((r) => {
      server.close(() => r())
      server.closeAllConnections()
    }),
  }
}

describe.each(testDatabases())('reconciliation with an upstream EPay ($name)', (db) => {
  let up: Awaited<ReturnType<typeof startUpstreamEpay>>
  let proxy: Awaited<ReturnType<typeof gatewayProxy>>
  let front: DashboardTestApp
  let viewer: { id: string; email: string }
  let orgId: string
  const clock = fixedClock(new Date(`${D[0]}T09:00:00Z`))
  const notices: ReconciliationReport[] = []
  const notice = { onReconciliationMismatch: async (report: ReconciliationReport) => void notices.push(report) }
  const others: Array<{ close(): Promise<void> }> = []

  const frontHttp = { request: (path: string, init?: RequestInit) => front.app.request(path, init) }
  const frontGate = (path: string, body: Record<string, unknown>) =>
    gate(frontHttp, path, { ...body, general: { project_id: LIVE.id, ...(body['general'] as object) } } as never, { secret: LIVE.secret })
  const upstreamGate = (path: string, body: Record<string, unknown>) =>
    gate(up.requester, path, { ...body, general: { project_id: UPSTREAM_PROJECT.id, ...(body['general'] as object) } } as never, { secret: UPSTREAM_PROJECT.secret })
  const frontStatus = async (id: string) => (await frontGate('/v2/payment/status', { general: { payment_id: id } })).body
  const sale = async (amount: number) => {
    const id = orderId('rec')
    await frontGate('/v2/payment/card/sale', { general: { payment_id: id }, payment: { amount, currency: 'EUR' }, card: card() })
    const status = await frontStatus(id)
    const op = (status['operations'] as Array<{ id: number; type: string }>).find((o) => o.type === 'sale')!
    return { id, operationId: op.id, status }
  }
  const moveTo = (iso: string) => clock.advance(new Date(iso).getTime() - clock.now().getTime())
  const drain = async (app: { deps: { dashboard: { jobWorker: { tick(): Promise<boolean> }; sql: Sql } } }) => {
    await jobsSettled(app.deps.dashboard.jobWorker, app.deps.dashboard.sql)
  }
  // A session opened now: the test's clock moves days, past any session's idle limit.
  const shown = async (query: string) => {
    const res = await front.call(await front.signedIn(viewer), 'GET', `/api/dashboard/projects/${LIVE.id}/reconciliation${query}`)
    const body: unknown = await res.json()
    expect([res.status, body]).toMatchObject([200, {}])
    return v.parse(ReconciliationViewSchema, body)
  }
  const runOf = (day: string) => front.d.reconciliations.run(LIVE.id, day)
  beforeAll(async () => {
    up = await startUpstreamEpay()
    proxy = await gatewayProxy(up.url)
    front = await dashboardApp(await db.open(), { clock, reconciliationNotice: notice })
    orgId = await front.org('Tea House Ltd')
    await front.deps.projects.add({ id: LIVE.id, name: 'Tea House', secret: LIVE.secret, orgId, allowedOrigins: [], returnHosts: ['shop.example'], testMode: false })
    await front.deps.upstream!.connections.connect(
      { projectId: LIVE.id, provider: 'ecommpay-gate', url: proxy.url, upstreamProjectId: UPSTREAM_PROJECT.id, methods: ['card'], secret: UPSTREAM_PROJECT.secret }, clock.now(),
    )
    viewer = await front.user('viewer@tea.example', 'viewer', orgId)
    // The poll of every process sees the connected project from its first day on; nothing is due yet.
    expect(await front.d.scheduleReconciliation()).toBe(0)
  }, 180_000)
  afterAll(async () => {
    for (const o of others) await o.close()
    await front?.sql.close()
    await proxy?.close()
    await up?.close()
  })

  it('settles a sale whose upstream answered garbage to the upstream\'s truth in the background job, charging once', async () => {
    const [frontBefore, upBefore] = [await front.deps.gate.ledger.balance(LIVE.id, 'EUR'), await up.upstream.deps.gate.ledger.balance(UPSTREAM_PROJECT.id, 'EUR')]
    proxy.mode.garbleNext = '/v2/payment/card/sale'
    const lost = await sale(1500)
    // The upstream charged, its answer was not the protocol's: the front does not know yet.
    expect(lost.status['payment']).toMatchObject({ status: 'processing' })
    clock.advance(6_000)
    await front.jobs.tick()
    const settled = await frontStatus(lost.id)
    expect(settled['payment']).toMatchObject({ status: 'success' })
    expect(settled['operations']).toHaveLength(1)
    const upstream = (await upstreamGate('/v2/payment/status', { general: { payment_id: String(lost.operationId) } })).body
    expect(upstream['payment']).toMatchObject({ status: 'success', sum: { amount: 1500, currency: 'EUR' } })
    expect((upstream['operations'] as unknown[])).toHaveLength(1)
    expect(await front.deps.gate.ledger.balance(LIVE.id, 'EUR')).toBe(frontBefore + 1500)
    expect(await up.upstream.deps.gate.ledger.balance(UPSTREAM_PROJECT.id, 'EUR')).toBe(upBefore + 1500)
  })

  it('lists the day\'s forced mismatches in its report, announces them once, and shows them to a viewer', async () => {
    const a = await sale(2000)
    const b = await sale(2500)
    const c = await sale(3000)
    expect((await frontGate('/v2/payment/refund', { general: { payment_id: c.id }, payment: { amount: 1000, currency: 'EUR' } })).status).toBe(200)
    // Tampered behind EPay's back: what reconciliation exists to catch.
    await front.sql.query('UPDATE operations SET amount = 2001 WHERE id = $1', [a.operationId])
    await front.sql.query("UPDATE operations SET status = 'decline' WHERE id = $1", [b.operationId])

    moveTo(`${D[1]}T00:30:00Z`)
    // The day has ended, but attempts still open at midnight get an hour to settle first.
    expect(await front.d.scheduleReconciliation()).toBe(0)
    moveTo(`${D[1]}T01:05:00Z`)
    expect(await front.d.scheduleReconciliation()).toBe(1)
    expect(await front.d.scheduleReconciliation()).toBe(0)
    await drain(front)

    const run = await runOf(D[0]!)
    // The settled sale, three sales and a refund.
    expect(run).toMatchObject({ checked: 5, mismatches: 2 })
    // Operations made at one instant (the test's clock stands still) are listed in id order: sorted by kind here.
    const byKind = <T extends { kind: string }>(list: T[]) => [...list].sort((x, y) => x.kind.localeCompare(y.kind))
    const mismatches = byKind(await front.d.reconciliations.mismatches(run!.id))
    expect(mismatches).toMatchObject([
      { kind: 'amount', paymentId: a.id, operationType: 'sale', localStatus: 'success', upstreamStatus: 'success', localAmount: 2001, upstreamAmount: 2000, currency: 'EUR' },
      { kind: 'status', paymentId: b.id, operationType: 'sale', localStatus: 'decline', upstreamStatus: 'success', localAmount: 2500, upstreamAmount: 2500 },
    ])
    expect(notices).toHaveLength(1)
    expect(notices[0]).toMatchObject({ projectId: LIVE.id, orgId, day: D[0], checked: 5 })
    expect(notices[0]!.mismatches).toHaveLength(2)
    expect((await front.journalActions(orgId)).filter((a) => a === 'reconciliation_mismatch')).toHaveLength(1)

    const view = await shown(`?day=${D[0]}`)
    expect({ ...view, mismatches: byKind(view.mismatches) }).toMatchObject({
      reconciled: true, next_day: D[1],
      selected: { day: D[0], status: 'done', checked: 5, mismatches: 2 },
      mismatches: [
        { kind: 'amount', payment_id: a.id, operation_id: String(a.operationId), local_amount: 2001, upstream_amount: 2000 },
        { kind: 'status', payment_id: b.id, local_status: 'decline', upstream_status: 'success' },
      ],
    })
  })

  it('reports a clean day with zero mismatches and announces nothing', async () => {
    const e = await sale(1200)
    expect((await frontGate('/v2/payment/refund', { general: { payment_id: e.id }, payment: { amount: 200, currency: 'EUR' } })).status).toBe(200)
    moveTo(`${D[2]}T01:30:00Z`)
    expect(await front.d.scheduleReconciliation()).toBe(1)
    await drain(front)
    expect(await runOf(D[1]!)).toMatchObject({ checked: 2, mismatches: 0 })
    expect(notices).toHaveLength(1)
    const view = await shown('')
    // Without ?day= the newest day is shown.
    expect(view).toMatchObject({ selected: { day: D[1], status: 'done', checked: 2, mismatches: 0 }, mismatches: [] })
    expect(view.runs.map((r) => r.day)).toEqual([D[1], D[0]])
  })

  it('queues and runs a day once when two processes poll at the same time', async () => {
    const f = await sale(900)
    await front.sql.query('UPDATE operations SET amount = 901 WHERE id = $1', [f.operationId])
    const second = await secondProcess(db.name, front.sql)
    const noticesB: ReconciliationReport[] = []
    const b = await makeTestApp(second, { clock, addProject: false, reconciliationNotice: { onReconciliationMismatch: async (r) => void noticesB.push(r) } })
    others.push({ close: async () => second !== front.sql ? second.close() : undefined })
    moveTo(`${D[3]}T01:30:00Z`)
    const queued = await Promise.all([front.d.scheduleReconciliation(), b.deps.dashboard.scheduleReconciliation(), front.d.scheduleReconciliation(), b.deps.dashboard.scheduleReconciliation()])
    expect(queued.reduce((x, y) => x + y, 0)).toBe(1)
    await Promise.all([drain(front), drain(b)])
    const jobs = await front.sql.query("SELECT status FROM jobs WHERE kind = 'reconciliation' AND params->>'day' = $1", [D[2]])
    expect(jobs).toEqual([{ status: 'done' }])
    expect(await runOf(D[2]!)).toMatchObject({ checked: 1, mismatches: 1 })
    expect([...notices, ...noticesB].filter((n) => n.day === D[2])).toHaveLength(1)
    expect((await front.journalActions(orgId)).filter((a) => a === 'reconciliation_mismatch')).toHaveLength(2)
  })

  it('runs each day missed while no process ran once, after a restart', async () => {
    moveTo(`${D[6]}T02:00:00Z`)
    const restarted = await makeTestApp(front.sql, { clock, addProject: false, reconciliationNotice: notice })
    // Three days passed with no process: each is queued once, however often processes poll.
    expect(await restarted.deps.dashboard.scheduleReconciliation()).toBe(3)
    expect(await restarted.deps.dashboard.scheduleReconciliation()).toBe(0)
    expect(await front.d.scheduleReconciliation()).toBe(0)
    await drain(restarted)
    for (const day of [D[3]!, D[4]!, D[5]!]) expect(await runOf(day)).toMatchObject({ checked: 0, mismatches: 0 })
    expect(await front.d.reconciliations.nextDay(LIVE.id)).toBe(D[6])
    const rows = await front.sql.query("SELECT params->>'day' AS day FROM jobs WHERE kind = 'reconciliation' ORDER BY id")
    expect(rows.map((r) => r['day'])).toEqual([D[0], D[1], D[2], D[3], D[4], D[5]])
  })
})

/** Another process on the same database: its own pool on PostgreSQL; on PGlite (one process per database) the same one. */
async function secondProcess(name: string, sql: Sql): Promise<Sql> {
  if (name !== 'postgres') return sql
  const [{ schema }] = (await sql.query<{ schema: string }>('SELECT current_schema() AS schema')) as [{ schema: string }]
  return openPostgres(process.env['DATABASE_URL']!, { schema, max: 3 })
}
