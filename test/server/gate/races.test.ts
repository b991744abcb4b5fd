import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../../server/storage/sql.ts'
import { openPostgresSchema } from '../../fixtures/databases.ts'
import { card, expectLedgerBalanced, gate, gateTestApp, general, orderId } from '../../fixtures/gate.ts'
import { TEST_PROJECT } from '../../fixtures/test-app.ts'

const URL = process.env['DATABASE_URL']

// PGlite runs one query at a time, so only PostgreSQL can show a race (STYLE §6).
describe.skipIf(!URL)('Gate under concurrency on postgres', () => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  beforeAll(async () => {
    sql = await openPostgresSchema(URL!, 30)
    t = await gateTestApp(sql)
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  /** Sends like a well-behaved client: a `conflict` (another operation in flight) is retried. */
  const send = async (path: string, body: Record<string, unknown>, options: { key?: string } = {}) => {
    for (let attempt = 0; ; attempt++) {
      const response = await gate(t.app, path, body as never, options)
      if (response.status !== 409 || response.body['code'] !== 'conflict' || attempt >= 30) return response
      await new Promise((r) => setTimeout(r, 2 + Math.random() * 15))
    }
  }
  const charge = async (kind: 'sale' | 'auth', amount: number, currency = 'EUR') => {
    const id = orderId(kind)
    expect((await gate(t.app, `/v2/payment/card/${kind}`, { general: general(id), payment: { amount, currency }, card: card() })).status).toBe(200)
    return id
  }
  const totals = async (paymentId: string) => {
    const rows = await sql.query<{ type: string; n: string; s: string }>(
      `SELECT o.type, count(*) AS n, sum(o.amount) AS s FROM operations o JOIN payments p ON p.id = o.payment_row_id
       WHERE p.payment_id = $1 AND o.status = 'success' GROUP BY o.type`, [paymentId])
    const of = (type: string) => Number(rows.find((r) => r.type === type)?.s ?? 0)
    const count = (type: string) => Number(rows.find((r) => r.type === type)?.n ?? 0)
    const [payment] = await sql.query<{ status: string }>('SELECT status FROM payments WHERE payment_id = $1', [paymentId])
    return { authorised: of('auth') + of('sale'), captured: of('capture') + of('sale'), refunded: of('refund'), captures: count('capture'), cancels: count('cancel'), status: payment!.status }
  }

  it('20 concurrent captures, refunds and cancels never capture or refund too much', async () => {
    for (let round = 0; round < 4; round++) {
      const id = await charge('auth', 10_000)
      const actions = Array.from({ length: 20 }, (_, i) => {
        const amount = 500 + Math.floor(Math.random() * 6_000)
        switch (i % 4) {
          case 0: return send('/v2/payment/card/capture', { general: general(id), payment: { amount } })
          case 1: return send('/v2/payment/card/refund', { general: general(id), payment: { amount: Math.ceil(amount / 3) } })
          case 2: return send('/v2/payment/refund', { general: general(id), payment: { amount: Math.ceil(amount / 4) } })
          default: return i === 3 && round % 2 === 0 ? send('/v2/payment/card/cancel', { general: general(id) }) : send('/v2/payment/card/capture', { general: general(id) })
        }
      })
      const answers = await Promise.all(actions)
      for (const a of answers) expect([200, 400, 409]).toContain(a.status)
      const sum = await totals(id)
      expect(sum.captures).toBeLessThanOrEqual(1)
      expect(sum.captured).toBeLessThanOrEqual(sum.authorised)
      expect(sum.refunded).toBeLessThanOrEqual(sum.captured)
      if (sum.cancels > 0) expect(sum.captured).toBe(0)
      if (sum.status === 'refunded') expect(sum.refunded).toBe(sum.captured)
      const stuck = await sql.query(`SELECT 1 FROM operations o JOIN payments p ON p.id = o.payment_row_id WHERE p.payment_id = $1 AND o.status = 'processing'`, [id])
      expect(stuck).toEqual([])
    }
    await expectLedgerBalanced(sql)
  })

  it('20 concurrent refunds of one sale never refund more than was captured', async () => {
    const id = await charge('sale', 2_000)
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => send('/v2/payment/card/refund', { general: general(id), payment: { amount: 150 + (i % 5) * 50 } })))
    const refunded = answers.filter((a) => a.status === 200).length
    const sum = await totals(id)
    expect(refunded).toBeGreaterThan(1)
    expect(sum.refunded).toBeLessThanOrEqual(2_000)
    expect(sum.status).toBe(sum.refunded === 2_000 ? 'refunded' : 'partially refunded')
    await expectLedgerBalanced(sql)
  })

  it('20 concurrent payouts never take the balance below zero', async () => {
    await charge('sale', 5_000, 'USD')
    const balance = async () => Number((await gate(t.app, '/v2/balance', { general: general(), currency: 'USD' })).body['balance'])
    const answers = await Promise.all(Array.from({ length: 20 }, () =>
      send('/v2/payment/wallet/jeton/payout', { general: general(orderId('po')), payment: { amount: 700, currency: 'USD' }, account: { number: 'JT42' } })))
    for (const a of answers) expect(a.status).toBe(200)
    const rows = await sql.query<{ status: string; code: string | null }>(
      `SELECT o.status, o.code FROM operations o JOIN payments p ON p.id = o.payment_row_id WHERE p.type = 'payout' AND o.currency = 'USD'`)
    const paid = rows.filter((r) => r.status === 'success').length
    expect(paid).toBe(7)
    expect(rows.filter((r) => r.status === 'decline').every((r) => r.code === '3028')).toBe(true)
    expect(await balance()).toBe(5_000 - 7 * 700)
    await expectLedgerBalanced(sql)
  })

  it('runs one of 20 identical requests sent at once with one Idempotency-Key', async () => {
    const id = orderId('idem')
    const body = { general: general(id), payment: { amount: 321, currency: 'EUR' }, card: card() }
    const answers = await Promise.all(Array.from({ length: 20 }, () => gate(t.app, '/v2/payment/card/sale', body, { key: `race-${id}` })))
    const fresh = answers.filter((a) => a.status === 200 && a.headers.get('idempotent-replayed') === null)
    expect(fresh).toHaveLength(1)
    for (const a of answers) {
      if (a.status === 200) expect(a.body).toEqual(fresh[0]!.body)
      else expect(a.body).toMatchObject({ status: 'error', code: 'conflict' })
    }
    const ops = await sql.query('SELECT 1 FROM operations o JOIN payments p ON p.id = o.payment_row_id WHERE p.payment_id = $1', [id])
    expect(ops).toHaveLength(1)
  })

  it('lets exactly the daily count through when 20 sales race for it', async () => {
    await t.deps.gate.limits.set(TEST_PROJECT.id, 'sale', 'JPY', { minAmount: undefined, maxAmount: undefined, dailyAmount: undefined, dailyCount: 5 })
    const answers = await Promise.all(Array.from({ length: 20 }, () =>
      gate(t.app, '/v2/payment/card/sale', { general: general(orderId('jpy')), payment: { amount: 100, currency: 'JPY' }, card: card() })))
    expect(answers.filter((a) => a.status === 200)).toHaveLength(5)
    expect(answers.filter((a) => a.status === 400).every((a) => a.body['code'] === 'limit_exceeded')).toBe(true)
  })
})
