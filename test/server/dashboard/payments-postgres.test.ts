import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { paymentPageSql, type PaymentFilter } from '../../../server/dashboard/payments/payment-query.ts'
import { paymentTotals } from '../../../server/domain/payment-totals.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { seedPayments } from '../../../server/storage/seed-payments.ts'
import { dashboardApp, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { openPostgresSchema } from '../../fixtures/databases.ts'
import { card, expectLedgerBalanced, gate, general, orderId } from '../../fixtures/gate.ts'
import { TEST_PROJECT } from '../../fixtures/test-app.ts'

const URL = process.env['DATABASE_URL']
const ROWS = 60_000

type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Cond'?: string; Plans?: PlanNode[] }
const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)]

// PGlite runs one query at a time and plans for tiny tables: plans and races are PostgreSQL's.
describe.skipIf(!URL)('dashboard payments on postgres at scale', () => {
  let sql: Sql
  let t: DashboardTestApp
  let org: string
  beforeAll(async () => {
    sql = await openPostgresSchema(URL!, 30)
    t = await dashboardApp(sql)
    org = await t.org('Shop')
    await sql.query('UPDATE projects SET org_id = $1 WHERE id = $2', [org, TEST_PROJECT.id])
    await t.project(777002, org)
    await t.project(777003, await t.org('Other'))
    await seedPayments(sql, { count: ROWS, projectIds: [TEST_PROJECT.id, 777002, 777003], now: new Date(), tag: 2, batch: 20_000 })
    await sql.query('ANALYZE payments')
  }, 120_000)
  afterAll(async () => {
    await expectLedgerBalanced(sql)
    await sql.close()
  })

  // One representative value per filter, each alone and within an organisation's scope, plus a
  // second page (the keyset condition) and a combination, as the screen sends them.
  const day = 86_400_000
  const filters: Record<string, Omit<PaymentFilter, 'projects'>> = {
    'first page': {},
    'next page': { after: { createdAt: new Date(Date.now() - 30 * day), id: 'pay_seed2x500' } },
    period: { from: new Date(Date.now() - 3 * day), to: new Date(Date.now() - 2 * day) },
    'old period': { from: new Date(Date.now() - 360 * day), to: new Date(Date.now() - 359 * day) },
    status: { status: 'refunded' },
    'rare status': { status: 'processing' },
    project: { project: 777002 },
    method: { method: 'jeton' },
    'rare method': { method: 'applepay' },
    currency: { currency: 'GBP' },
    'amount range': { currency: 'EUR', amountMin: 4900, amountMax: 5000 },
    'payment id': { payment: 'seed-2-1234' },
    'customer id': { customer: 'cust-42' },
    'customer email': { customer: 'shopper42@mail.example' },
    'card first 6': { first6: '520082' },
    'card last 4': { last4: '4242' },
    'operation type': { operation: 'cancel' },
    'rare operation type': { operation: 'payout' },
    live: { test: false },
    test: { test: true },
    combined: { status: 'success', currency: 'EUR', last4: '0042', test: true },
  }

  for (const [name, filter] of Object.entries(filters)) {
    for (const scope of ['platform', 'organisation'] as const) {
      it(`plans "${name}" (${scope}) without a sequential scan of payments`, async () => {
        const { text, params } = paymentPageSql({ ...filter, projects: scope === 'platform' ? undefined : [TEST_PROJECT.id, 777002] }, 51)
        const [row] = await sql.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, params)
        const plan = row!['QUERY PLAN'][0]!.Plan
        const scans = nodes(plan).filter((n) => n['Relation Name'] === 'payments').map((n) => n['Node Type'])
        expect(scans.length).toBeGreaterThan(0)
        expect(scans).not.toContain('Seq Scan')
      })
    }
  }

  // Over 1 000 000 payments the currency's rows walked newest first, each fetched to test its
  // amount, cost ~145 ms; tested on the index entry, only the matching rows are fetched.
  it('tests an amount range on the index entries, not on each fetched payment', async () => {
    const { text, params } = paymentPageSql({ currency: 'EUR', amountMin: 4900, amountMax: 5000, projects: [TEST_PROJECT.id, 777002] }, 51)
    const [row] = await sql.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${text}`, params)
    const conditions = nodes(row!['QUERY PLAN'][0]!.Plan).map((n) => n['Index Cond'] ?? '')
    expect(conditions.some((c) => c.includes('currency') && c.includes('amount'))).toBe(true)
  })

  it('20 simultaneous refund clicks from two users move money once each and never past the captured sum', async () => {
    const manager = await t.signedIn(await t.user('m1@shop.example', 'manager', org))
    const owner = await t.signedIn(await t.user('o1@shop.example', 'owner', org))
    const paymentId = orderId('race')
    expect((await gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount: 5000, currency: 'EUR' }, card: card() })).status).toBe(200)
    const id = (await sql.query<{ id: string }>('SELECT id FROM payments WHERE payment_id = $1', [paymentId]))[0]!.id
    const path = `/api/dashboard/projects/${TEST_PROJECT.id}/payments/${id}/refund`
    // Ten distinct clicks each, and every click sent twice (a double click), all at once.
    const clicks = Array.from({ length: 10 }, (_, i) => ({ agent: i % 2 ? owner : manager, key: randomBytes(12).toString('base64url') }))
    const sends = [...clicks, ...clicks].map((c) => t.call(c.agent, 'POST', path, { idempotency_key: c.key, amount: 700, reason: 'Race test' }))
    const answers = await Promise.all(sends.map(async (r) => ({ status: (await r).status, body: (await (await r).json()) as { operation?: { id: number }; error?: { code: string } } })))
    for (const a of answers) expect([200, 409, 400]).toContain(a.status)
    const operations = (await t.deps.payments.operations(id))
    const refunds = operations.filter((o) => o.type === 'refund' && o.status === 'success')
    const totals = paymentTotals({ type: 'purchase' }, operations)
    expect(totals.refunded).toBeLessThanOrEqual(totals.captured)
    expect(totals.refunded).toBe(refunds.length * 700)
    // Every refund that happened was answered as done (to one click or its double), none twice over.
    const answered = new Set(answers.filter((a) => a.status === 200).map((a) => a.body.operation!.id))
    expect(answered).toEqual(new Set(refunds.map((o) => o.id)))
    expect(refunds.length).toBeGreaterThan(0)
    const journal = await sql.query(`SELECT 1 FROM journal WHERE action = 'payment_refunded' AND target = $1`, [paymentId])
    expect(journal).toHaveLength(refunds.length)
    await expectLedgerBalanced(sql)
  })
})
