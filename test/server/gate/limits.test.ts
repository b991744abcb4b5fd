import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateErrorSchema } from '../../../protocol/schemas/gate-views.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { card, gate, gateTestApp, general, orderId } from '../../fixtures/gate.ts'
import { TEST_PROJECT, fixedClock } from '../../fixtures/test-app.ts'

const none = { minAmount: undefined, maxAmount: undefined, dailyAmount: undefined, dailyCount: undefined }

describe.each(testDatabases())('project limits on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  const clock = fixedClock()
  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql, { clock })
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  const sale = (amount: number, currency = 'EUR', paymentId = orderId()) =>
    gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount, currency }, card: card() }).then((r) => ({ ...r, paymentId }))
  const limitError = (response: { status: number; body: unknown }) => {
    expect(response.status).toBe(400)
    const error = v.parse(GateErrorSchema, response.body)
    expect(error.code).toBe('limit_exceeded')
    return error
  }

  it('refuses amounts outside min/max per operation and currency, creating nothing', async () => {
    await t.deps.gate.limits.set(TEST_PROJECT.id, 'sale', 'EUR', { ...none, minAmount: 100, maxAmount: 50_000 })
    const low = await sale(99)
    expect(limitError(low)).toMatchObject({ param: 'payment.amount', message: expect.stringContaining('minimum of 100') })
    expect(limitError(await sale(50_001)).message).toContain('maximum of 50000')
    expect(await t.deps.payments.findByMerchantId(TEST_PROJECT.id, low.paymentId)).toBeUndefined()
    expect((await sale(100)).status).toBe(200)
    // Limits are per currency; a sale limit also bounds auth (the same money in two steps).
    expect((await sale(99, 'USD')).status).toBe(200)
    expect(limitError(await gate(t.app, '/v2/payment/card/auth', { general: general(orderId()), payment: { amount: 99, currency: 'EUR' }, card: card() })).message).toContain('minimum of 100 for sale')
  })

  it('counts daily totals per UTC day, and a new day starts afresh', async () => {
    await t.deps.gate.limits.set(TEST_PROJECT.id, 'sale', 'GBP', { ...none, dailyAmount: 1_000, dailyCount: 3 })
    expect((await sale(600, 'GBP')).status).toBe(200)
    expect(limitError(await sale(401, 'GBP')).message).toContain('daily limit')
    expect((await sale(400, 'GBP')).status).toBe(200)
    expect(limitError(await sale(1, 'GBP')).message).toContain('daily limit')
    clock.advance(24 * 3600_000)
    expect((await sale(1, 'GBP')).status).toBe(200)
    expect((await sale(1, 'GBP')).status).toBe(200)
    expect((await sale(1, 'GBP')).status).toBe(200)
    expect(limitError(await sale(1, 'GBP')).message).toContain('daily limit')
  })

  it('gives the daily share back when the request creates nothing', async () => {
    await t.deps.gate.limits.set(TEST_PROJECT.id, 'sale', 'PLN', { ...none, dailyCount: 2 })
    const first = await sale(500, 'PLN')
    // Refused for its used payment id after taking the second share: the share comes back.
    expect((await sale(400, 'PLN', first.paymentId)).status).toBe(409)
    expect((await sale(500, 'PLN')).status).toBe(200)
    expect(limitError(await sale(500, 'PLN')).code).toBe('limit_exceeded')
  })

  it('applies to refunds and payouts too', async () => {
    await t.deps.gate.limits.set(TEST_PROJECT.id, 'refund', 'NOK', { ...none, maxAmount: 300 })
    await t.deps.gate.limits.set(TEST_PROJECT.id, 'payout', 'NOK', { ...none, minAmount: 200 })
    const paid = await sale(5_000, 'NOK')
    expect(limitError(await gate(t.app, '/v2/payment/refund', { general: general(paid.paymentId), payment: { amount: 301 } })).code).toBe('limit_exceeded')
    expect((await gate(t.app, '/v2/payment/refund', { general: general(paid.paymentId), payment: { amount: 300 } })).status).toBe(200)
    const payout = (amount: number) => gate(t.app, '/v2/payment/wallet/jeton/payout', { general: general(orderId()), payment: { amount, currency: 'NOK' }, account: { number: 'JT9' } })
    expect(limitError(await payout(199)).code).toBe('limit_exceeded')
    expect((await payout(200)).status).toBe(200)
  })
})
