import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateErrorSchema, OperationsPageSchema, PaymentStatusResponseSchema } from '../../../protocol/schemas/gate-views.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { card, gate, gateTestApp, general, orderId } from '../../fixtures/gate.ts'
import { fixedClock, paymentParams, signedQuery } from '../../fixtures/test-app.ts'

describe.each(testDatabases())('Gate queries on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  const clock = fixedClock(new Date('2030-03-01T12:00:00Z'))
  const ids: Record<string, string> = {}
  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql, { clock })
    // A small history over three days: two customers, sales, an auth, a decline, a refund.
    const sale = async (name: string, customer: string, pan = '4242424242424242', kind = 'sale') => {
      ids[name] = orderId(name)
      const response = await gate(t.app, `/v2/payment/card/${kind}`, { general: general(ids[name]), payment: { amount: 700, currency: 'EUR' }, customer: { id: customer }, card: card(pan) })
      expect(response.status).toBe(200)
      clock.advance(60_000)
    }
    await sale('a', 'alice')
    await sale('b', 'bob', '4000000000000002')
    clock.advance(24 * 3600_000)
    await sale('c', 'alice', '4242424242424242', 'auth')
    await sale('d', 'bob')
    clock.advance(24 * 3600_000)
    expect((await gate(t.app, '/v2/payment/card/refund', { general: general(ids['d']!), payment: { amount: 100 } })).status).toBe(200)
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  const list = async (filters: Record<string, unknown> = {}) => {
    const response = await gate(t.app, '/v2/operations/get', { general: general(), ...filters } as never)
    expect(response.status).toBe(200)
    return v.parse(OperationsPageSchema, response.body)
  }
  const errorOf = (response: { status: number; body: unknown }, code: number) => {
    expect(response.status).toBe(code)
    return v.parse(GateErrorSchema, response.body)
  }

  describe('POST /v2/payment/status', () => {
    it('shows the payment and every operation in the callback shapes', async () => {
      const view = v.parse(PaymentStatusResponseSchema, (await gate(t.app, '/v2/payment/status', { general: general(ids['d']!) })).body)
      expect(view.payment).toMatchObject({ id: ids['d'], status: 'partially refunded', date: '2030-03-03T12:04:00+0000' })
      expect(view.operations.map((o) => [o.type, o.status])).toEqual([['sale', 'success'], ['refund', 'success']])
      expect(view.customer).toEqual({ id: 'bob' })
      expect(view.errors).toBeUndefined()
    })

    it('shows a payment opened on the payment page before any attempt', async () => {
      const params = paymentParams()
      expect((await t.app.request(`/payment?${signedQuery(params)}`)).status).toBe(200)
      const view = v.parse(PaymentStatusResponseSchema, (await gate(t.app, '/v2/payment/status', { general: general(params.payment_id) })).body)
      // ECommPay has no `new`: a payment nothing was tried on waits for the customer.
      expect(view.payment.status).toBe('awaiting customer')
      expect(view.operations).toEqual([])
    })

    it('refuses an unknown payment, a missing id and a bad signature', async () => {
      expect(errorOf(await gate(t.app, '/v2/payment/status', { general: general('nope') }), 404).code).toBe('payment_not_found')
      expect(errorOf(await gate(t.app, '/v2/payment/status', { general: general() }), 400).param).toBe('general.payment_id')
      expect(errorOf(await gate(t.app, '/v2/payment/status', { general: general(ids['a']!) }, { secret: 'x' }), 403).code).toBe('invalid_signature')
    })
  })

  describe('POST /v2/operations/get', () => {
    it('lists newest first and pages with a cursor, without gaps or repeats', async () => {
      const everything = (await list({ limit: 100 })).operations.map((o) => o.operation.id)
      expect(everything).toHaveLength(5)
      const seen: number[] = []
      let cursor: string | undefined
      do {
        const page = await list({ limit: 2, ...(cursor ? { cursor } : {}) })
        expect(page.operations.length).toBeLessThanOrEqual(2)
        seen.push(...page.operations.map((o) => o.operation.id))
        cursor = page.next_cursor
      } while (cursor)
      expect(seen).toEqual(everything)
      expect((await list({ limit: 100 })).operations[0]!.operation.type).toBe('refund')
    })

    it('filters by customer, status, type, method, payment id and dates', async () => {
      const idsOf = (page: v.InferOutput<typeof OperationsPageSchema>) => page.operations.map((o) => `${o.payment.id}:${o.operation.type}`).sort()
      expect(idsOf(await list({ customer_id: 'alice' }))).toEqual([`${ids['a']}:sale`, `${ids['c']}:auth`].sort())
      expect(idsOf(await list({ status: ['decline'] }))).toEqual([`${ids['b']}:sale`])
      expect(idsOf(await list({ type: ['auth', 'refund'] }))).toEqual([`${ids['c']}:auth`, `${ids['d']}:refund`].sort())
      expect((await list({ method: ['jeton'] })).operations).toEqual([])
      expect(idsOf(await list({ payment_id: ids['d'] }))).toEqual([`${ids['d']}:refund`, `${ids['d']}:sale`])
      expect(idsOf(await list({ date_from: '2030-03-02', date_to: '2030-03-03T00:00:00+0000' }))).toEqual([`${ids['c']}:auth`, `${ids['d']}:sale`].sort())
    })

    it('refuses bad filters and a forged cursor with the field named', async () => {
      expect(errorOf(await gate(t.app, '/v2/operations/get', { general: general(), date_from: 'yesterday' }), 400).param).toBe('date_from')
      expect(errorOf(await gate(t.app, '/v2/operations/get', { general: general(), status: ['paid'] }), 400).param).toBe('status.0')
      expect(errorOf(await gate(t.app, '/v2/operations/get', { general: general(), limit: 500 }), 400).param).toBe('limit')
      expect(errorOf(await gate(t.app, '/v2/operations/get', { general: general(), cursor: 'garbage' }), 400).param).toBe('cursor')
    })
  })
})
