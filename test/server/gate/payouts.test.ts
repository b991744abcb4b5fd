import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BalanceResponseSchema, GateCallbackSchema, GateErrorSchema, PaymentStatusResponseSchema } from '../../../protocol/schemas/gate-views.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { Callback, card, expectLedgerBalanced, gate, gateTestApp, general, orderId, tickingClock } from '../../fixtures/gate.ts'
import { TEST_PROJECT } from '../../fixtures/test-app.ts'

describe.each(testDatabases())('Gate payouts and balance on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  const clock = tickingClock()
  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql, { clock })
  })
  afterAll(async () => {
    await expectLedgerBalanced(sql)
    await t.close()
    await sql.close()
  })

  const fund = async (amount: number, currency: string) => {
    const response = await gate(t.app, '/v2/payment/card/sale', { general: general(orderId('fund')), payment: { amount, currency }, card: card() })
    expect(response.status).toBe(200)
  }
  const balance = async (currency: string) => {
    const response = await gate(t.app, '/v2/balance', { general: general(), currency })
    expect(response.status).toBe(200)
    const body = v.parse(BalanceResponseSchema, response.body)
    if (!('balance' in body)) throw new Error('expected one currency')
    expect(body.commission).toBe(0)
    return body.balance
  }
  const jeton = (amount: number, currency: string, paymentId = orderId('po'), key?: string) =>
    gate(t.app, '/v2/payment/wallet/jeton/payout', { general: general(paymentId), payment: { amount, currency }, account: { number: 'JT0000012345' } }, key ? { key } : {})
      .then((r) => ({ ...r, paymentId }))
  const status = async (paymentId: string) => v.parse(PaymentStatusResponseSchema, (await gate(t.app, '/v2/payment/status', { general: general(paymentId) })).body)
  const callbackOf = async (paymentId: string) => {
    const [body, ...more] = await t.callbacks(paymentId)
    expect(more).toEqual([])
    expect(() => new Callback(TEST_PROJECT.secret, body!)).not.toThrow()
    return v.parse(GateCallbackSchema, body)
  }
  const errorOf = (response: { status: number; body: unknown }, code: number) => {
    expect(response.status).toBe(code)
    return v.parse(GateErrorSchema, response.body)
  }

  describe('POST /v2/payment/wallet/jeton/payout', () => {
    it('pays out of the balance and reports success by callback', async () => {
      await fund(10_000, 'EUR')
      const before = await balance('EUR')
      const { status: code, paymentId } = await jeton(2_500, 'EUR')
      expect(code).toBe(200)
      expect(await balance('EUR')).toBe(before - 2_500)
      const view = await status(paymentId)
      expect(view.payment).toMatchObject({ type: 'payout', status: 'success', method: 'JetonWallet' })
      const callback = await callbackOf(paymentId)
      expect(callback).toMatchObject({ payment: { type: 'payout', status: 'success' }, operation: { type: 'payout', status: 'success' } })
      // Only the test amounts 20400 and 40400 report the wallet account.
      // As in ECommPay's Jeton payout callbacks: the wallet account paid out to.
      expect(callback.account).toEqual({ number: 'JT0000012345' })
    })

    it('declines a payout above the balance with 3028, holding nothing', async () => {
      await fund(1_000, 'GBP')
      const { status: code, paymentId } = await jeton(1_001, 'GBP')
      expect(code).toBe(200)
      expect(await balance('GBP')).toBe(1_000)
      const view = await status(paymentId)
      expect(view.payment.status).toBe('decline')
      expect(view.errors).toEqual([{ code: '3028', message: 'Insufficient funds on merchant balance', description: 'public: BALANCE_INSUFFICIENT_FUNDS' }])
      expect(await callbackOf(paymentId)).toMatchObject({ operation: { status: 'decline', code: '3028' }, errors: [{ code: '3028' }] })
      expect((await jeton(1_000, 'GBP')).status).toBe(200)
      expect(await balance('GBP')).toBe(0)
    })

    it('follows the test amount rules: 40000 declines and gives the hold back, 20400 and 40400 carry the account', async () => {
      await fund(200_000, 'USD')
      const declined = await jeton(40_000, 'USD')
      expect(await balance('USD')).toBe(200_000)
      expect((await callbackOf(declined.paymentId))).toMatchObject({ operation: { status: 'decline', code: '20106', message: 'Customer account is no longer available' } })
      const withAccount = await jeton(20_400, 'USD')
      expect(await callbackOf(withAccount.paymentId)).toMatchObject({ operation: { status: 'success' }, account: { number: 'JT0000012345' } })
      const declinedWithAccount = await jeton(40_400, 'USD')
      expect(await callbackOf(declinedWithAccount.paymentId)).toMatchObject({ operation: { status: 'decline' }, account: { number: 'JT0000012345' } })
      expect(await balance('USD')).toBe(200_000 - 20_400)
    })

    it('refuses bad input, other wallets and Jeton amounts out of range, creating nothing', async () => {
      const missing = await gate(t.app, '/v2/payment/wallet/jeton/payout', { general: general(orderId()), payment: { amount: 500, currency: 'EUR' } })
      expect(errorOf(missing, 400).param).toBe('account')
      expect(errorOf(await gate(t.app, '/v2/payment/wallet/skrill/payout', { general: general(orderId()), payment: { amount: 500, currency: 'EUR' }, account: { number: 'x' } }), 404).code).toBe('not_found')
      const small = await jeton(99, 'EUR')
      expect(errorOf(small, 400).code).toBe('validation_failed')
      const unsupported = await jeton(500, 'CHF')
      expect(errorOf(unsupported, 400).code).toBe('validation_failed')
      expect(await t.deps.payments.findByMerchantId(TEST_PROJECT.id, small.paymentId)).toBeUndefined()
      expect(errorOf(await jeton(500, 'EUR', orderId(), undefined).then(async (r) => gate(t.app, '/v2/payment/wallet/jeton/payout', { general: general(r.paymentId), payment: { amount: 500, currency: 'EUR' }, account: { number: 'JT1' } })), 409).code).toBe('payment_exists')
    })

    it('replays by key, refuses a bad signature, and cannot be refunded', async () => {
      await fund(5_000, 'PLN')
      const first = await jeton(1_000, 'PLN', orderId(), 'po-key-1')
      const again = await jeton(1_000, 'PLN', first.paymentId, 'po-key-1')
      expect(again.body).toEqual(first.body)
      expect(await balance('PLN')).toBe(4_000)
      const forged = await gate(t.app, '/v2/payment/wallet/jeton/payout', { general: general(orderId()), payment: { amount: 1_000, currency: 'PLN' }, account: { number: 'JT1' } }, { secret: 'x' })
      expect(errorOf(forged, 403).code).toBe('invalid_signature')
      expect(errorOf(await gate(t.app, '/v2/payment/refund', { general: general(first.paymentId) }), 409).code).toBe('invalid_transition')
    })
  })

  describe('POST /v2/payment/card/payout', () => {
    it('pays out to a card or a saved card, and declines a decline card without keeping the hold', async () => {
      await fund(10_000, 'NOK')
      const direct = await gate(t.app, '/v2/payment/card/payout', { general: general(orderId()), payment: { amount: 1_000, currency: 'NOK' }, card: { pan: '5555555555554444', year: 2031, month: 1 } })
      expect(direct.status).toBe(200)
      const token = String((await gate(t.app, '/v2/token/card/create', { general: general(), customer: { id: 'c-po' }, card: { pan: '4242424242424242', year: 2031, month: 1 } })).body['token'])
      const saved = await gate(t.app, '/v2/payment/card/payout', { general: general(orderId()), payment: { amount: 2_000, currency: 'NOK' }, customer: { id: 'c-po' }, account_token: token })
      expect(saved.status).toBe(200)
      const declinedId = orderId()
      await gate(t.app, '/v2/payment/card/payout', { general: general(declinedId), payment: { amount: 3_000, currency: 'NOK' }, card: { pan: '4000000000000002', year: 2031, month: 1 } })
      expect((await status(declinedId)).payment.status).toBe('decline')
      expect(await balance('NOK')).toBe(7_000)
      const callback = await callbackOf(String(saved.body['payment_id']))
      expect(callback).toMatchObject({ operation: { type: 'payout', status: 'success' }, account: { number: '424242******4242', token } })
    })

    it('holds the amount while the acquirer\'s answer is lost, and settles it from the acquirer\'s records', async () => {
      await fund(5_000, 'INR')
      const id = orderId()
      const sent = await gate(t.app, '/v2/payment/card/payout', { general: general(id), payment: { amount: 4_000, currency: 'INR' }, card: { pan: '4000000000000119', year: 2031, month: 1 } })
      expect(sent.status).toBe(200)
      expect((await status(id)).payment.status).toBe('processing')
      // Held, not spent twice: a second payout cannot use the same money meanwhile.
      expect(await balance('INR')).toBe(1_000)
      const second = await jeton(2_000, 'INR')
      expect((await status(second.paymentId)).errors?.[0]?.code).toBe('3028')
      clock.advance(11_000)
      await t.jobs.tick()
      expect((await status(id)).payment.status).toBe('success')
      expect(await balance('INR')).toBe(1_000)
      expect(await callbackOf(id)).toMatchObject({ operation: { type: 'payout', status: 'success' } })
    })

    it('refuses both a card and a token, and an expired card', async () => {
      const both = await gate(t.app, '/v2/payment/card/payout', { general: general(orderId()), payment: { amount: 100, currency: 'NOK' }, card: { pan: '4242424242424242', year: 2031, month: 1 }, account_token: 'tok' })
      expect(errorOf(both, 400).code).toBe('validation_failed')
      const expired = await gate(t.app, '/v2/payment/card/payout', { general: general(orderId()), payment: { amount: 100, currency: 'NOK' }, card: { pan: '4242424242424242', year: 2001, month: 1 } })
      expect(errorOf(expired, 400).code).toBe('validation_failed')
    })
  })

  describe('POST /v2/balance', () => {
    it('lists every currency when none is asked for, and refuses an unknown currency', async () => {
      await fund(123, 'TRY')
      const all = v.parse(BalanceResponseSchema, (await gate(t.app, '/v2/balance', { general: general() })).body)
      expect('balances' in all && all.balances.find((b) => b.currency === 'TRY')).toEqual({ currency: 'TRY', balance: 123, commission: 0 })
      expect(errorOf(await gate(t.app, '/v2/balance', { general: general(), currency: 'ABC' }), 400).param).toBe('currency')
      expect(await balance('JPY')).toBe(0)
    })
  })
})
