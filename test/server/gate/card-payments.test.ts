import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateAcceptedSchema, GateCallbackSchema, GateErrorSchema, PaymentStatusResponseSchema, PaymentCallbacksResponseSchema } from '../../../protocol/schemas/gate-views.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { Callback, card, expectLedgerBalanced, gate, gateTestApp, general, orderId } from '../../fixtures/gate.ts'
import { passChallenge } from '../../fixtures/sim-browser.ts'
import { TEST_PROJECT } from '../../fixtures/test-app.ts'

describe.each(testDatabases())('Gate card payments on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql)
  })
  afterAll(async () => {
    await expectLedgerBalanced(sql)
    await t.close()
    await sql.close()
  })

  const charge = (path: 'sale' | 'auth', body: Record<string, unknown> = {}, key?: string) => {
    const paymentId = orderId(path)
    const request = { general: general(paymentId), payment: { amount: 1500, currency: 'EUR', description: 'Tea' }, customer: { id: 'cust-1', ip_address: '203.0.113.7' }, card: card(), ...body }
    return gate(t.app, `/v2/payment/card/${path}`, request as never, key ? { key } : {}).then((r) => ({ ...r, paymentId, request }))
  }
  const status = async (paymentId: string) => {
    const response = await gate(t.app, '/v2/payment/status', { general: general(paymentId) })
    expect(response.status).toBe(200)
    return v.parse(PaymentStatusResponseSchema, response.body)
  }
  /** Delivers the callbacks and checks each with the official ECommPay SDK. */
  const verifiedCallbacks = async (paymentId: string) => {
    const bodies = await t.callbacks(paymentId)
    for (const body of bodies) {
      expect(() => new Callback(TEST_PROJECT.secret, body)).not.toThrow()
      v.parse(GateCallbackSchema, body)
    }
    return bodies
  }
  const errorOf = (response: { status: number; body: unknown }, status: number) => {
    expect(response.status).toBe(status)
    return v.parse(GateErrorSchema, response.body)
  }

  describe('POST /v2/payment/card/sale', () => {
    it('charges the card, answers at once and reports the result by callback and status', async () => {
      const { status: code, body, paymentId } = await charge('sale')
      expect(code).toBe(200)
      const accepted = v.parse(GateAcceptedSchema, body)
      expect(accepted).toMatchObject({ status: 'success', project_id: TEST_PROJECT.id, payment_id: paymentId })
      const view = await status(paymentId)
      expect(view.payment).toMatchObject({ status: 'success', method: 'card', sum: { amount: 1500, currency: 'EUR' } })
      expect(view.operations).toHaveLength(1)
      expect(view.operations[0]).toMatchObject({ type: 'sale', status: 'success', request_id: accepted.request_id })
      expect(view.account).toMatchObject({ number: '424242******4242' })
      const [callback, ...more] = await verifiedCallbacks(paymentId)
      expect(more).toEqual([])
      expect(callback).toMatchObject({ payment: { status: 'success' }, operation: { type: 'sale', status: 'success' }, customer: { id: 'cust-1' } })
      expect(new Callback(TEST_PROJECT.secret, callback!).isPaymentSuccess()).toBe(true)
      // The callback's delivery state is visible through the status call (SPEC §8).
      const delivery = await gate(t.app, '/v2/payment/callbacks', { general: general(paymentId) })
      expect(v.parse(PaymentCallbacksResponseSchema, delivery.body).callbacks).toEqual([
        { event_id: expect.stringMatching(/^evt_/), operation_id: view.operations[0]!.id, status: 'delivered', attempts: 1, last_http_status: 200 },
      ])
    })

    it('records a declined card and reports the decline code', async () => {
      const { status: code, paymentId } = await charge('sale', { card: card('4000000000000002') })
      expect(code).toBe(200)
      const view = await status(paymentId)
      expect(view.payment.status).toBe('decline')
      expect(view.errors).toEqual([{ code: '20102', message: 'Card declined' }])
      const [callback] = await verifiedCallbacks(paymentId)
      expect(callback).toMatchObject({ operation: { status: 'decline', code: '20102' }, errors: [{ code: '20102' }] })
    })

    it('returns 3-D Secure as redirect_data, by callback and status, and settles after the ACS', async () => {
      const { paymentId } = await charge('sale', { card: card('4000000000003220'), return_url: 'https://shop.example/back' })
      const view = await status(paymentId)
      expect(view.payment.status).toBe('awaiting 3ds result')
      expect(view.redirect_data).toMatchObject({ method: 'POST', url: expect.stringMatching(/\/sim\/acs\/[\w.-]+$/), body: { creq: expect.any(String), MD: expect.any(String) } })
      const [awaiting] = await verifiedCallbacks(paymentId)
      expect(awaiting).toMatchObject({ payment: { status: 'awaiting 3ds result' }, redirect_data: { method: 'POST' } })
      // The merchant sends its shopper to the ACS with redirect_data; the shopper confirms there.
      await passChallenge(t.app, view.redirect_data!, 'confirm')
      expect((await status(paymentId)).payment.status).toBe('success')
      const callbacks = await verifiedCallbacks(paymentId)
      expect(callbacks.map((c) => c.payment.status)).toEqual(['awaiting 3ds result', 'success'])
    })

    it('refuses bad input with a code naming the field, creating nothing', async () => {
      const count = async () => Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM payments'))[0]!.n)
      const before = await count()
      expect(errorOf(await charge('sale', { payment: { currency: 'EUR' } }), 400)).toMatchObject({ code: 'validation_failed', param: 'payment.amount' })
      expect(errorOf(await charge('sale', { payment: { amount: 10.5, currency: 'EUR' } }), 400).param).toBe('payment.amount')
      expect(errorOf(await charge('sale', { payment: { amount: 100, currency: 'XXX' } }), 400).param).toBe('payment.currency')
      expect(errorOf(await charge('sale', { card: card('4242424242424241') }), 400)).toMatchObject({ code: 'validation_failed', param: 'card.pan' })
      expect(errorOf(await charge('sale', { card: { ...card(), year: 2020 } }), 400).code).toBe('validation_failed')
      expect(errorOf(await charge('sale', { account_token: 'tok_x' }), 400).message).toContain('either card or account_token')
      expect(errorOf(await charge('sale', { return_url: 'https://evil.example/' }), 400).code).toBe('return_url_not_allowed')
      expect(await count()).toBe(before)
    })

    it('refuses a payment id already used by another request', async () => {
      const first = await charge('sale')
      const again = await gate(t.app, '/v2/payment/card/sale', { ...first.request, payment: { ...first.request.payment, amount: 1600 } } as never)
      expect(errorOf(again, 409)).toMatchObject({ code: 'payment_exists', param: 'general.payment_id' })
    })

    it('answers the same signed sale sent again without a key with its first answer: one charge', async () => {
      const first = await charge('sale')
      const again = await gate(t.app, '/v2/payment/card/sale', first.request as never)
      expect(again.status).toBe(200)
      expect(again.body).toEqual(first.body)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
    })

    it('replays the first answer for the same Idempotency-Key and charges once', async () => {
      const key = `key-${orderId()}`
      const first = await charge('sale', {}, key)
      const again = await gate(t.app, '/v2/payment/card/sale', first.request as never, { key })
      expect(again.status).toBe(200)
      expect(again.body).toEqual(first.body)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect((await status(first.paymentId)).operations).toHaveLength(1)
    })
  })

  describe('POST /v2/payment/card/auth', () => {
    it('authorises without capturing: awaiting capture, nothing in the ledger', async () => {
      const { status: code, paymentId } = await charge('auth')
      expect(code).toBe(200)
      const view = await status(paymentId)
      expect(view.payment.status).toBe('awaiting capture')
      expect(view.operations[0]).toMatchObject({ type: 'auth', status: 'success' })
      const postings = await sql.query('SELECT 1 FROM ledger_postings l JOIN operations o ON o.id = l.operation_id JOIN payments p ON p.id = o.payment_row_id WHERE p.payment_id = $1', [paymentId])
      expect(postings).toEqual([])
      const [callback] = await verifiedCallbacks(paymentId)
      expect(callback).toMatchObject({ payment: { status: 'awaiting capture' }, operation: { type: 'auth', status: 'success' } })
    })

    it('refuses a bad signature', async () => {
      const response = await gate(t.app, '/v2/payment/card/auth', { general: general(orderId()), payment: { amount: 100, currency: 'EUR' }, card: card() }, { secret: 'wrong' })
      expect(errorOf(response, 403).code).toBe('invalid_signature')
    })
  })

  describe('POST /v2/payment/card/recurring', () => {
    const saveCard = async (pan = '5555555555554444', customer = 'cust-rec') => {
      const created = await gate(t.app, '/v2/token/card/create', { general: general(), customer: { id: customer }, card: { pan, year: 2033, month: 6, card_holder: 'JANE DOE' } })
      expect(created.status).toBe(200)
      return String(created.body['token'])
    }
    const recurring = (token: string, customer = 'cust-rec', paymentId = orderId('rec'), key?: string) =>
      gate(t.app, '/v2/payment/card/recurring', { general: general(paymentId), payment: { amount: 990, currency: 'EUR' }, customer: { id: customer }, account_token: token }, key ? { key } : {})
        .then((r) => ({ ...r, paymentId }))

    it('charges a saved card without the customer and reports it with the token', async () => {
      const token = await saveCard()
      const { status: code, paymentId } = await recurring(token)
      expect(code).toBe(200)
      const view = await status(paymentId)
      expect(view.payment.status).toBe('success')
      expect(view.operations[0]).toMatchObject({ type: 'recurring', status: 'success' })
      const [callback] = await verifiedCallbacks(paymentId)
      expect(callback).toMatchObject({ operation: { type: 'recurring', status: 'success' }, account: { number: '555555******4444', token } })
    })

    it('declines a card that asks for 3-D Secure: there is no cardholder to pass it', async () => {
      const { paymentId } = await recurring(await saveCard('4000000000003220'))
      const view = await status(paymentId)
      expect(view.payment.status).toBe('decline')
      expect(view.errors?.[0]?.code).toBe('20303')
      expect(view.redirect_data).toBeUndefined()
    })

    it('refuses a token of another customer or an unknown one, creating nothing', async () => {
      const token = await saveCard()
      const other = await recurring(token, 'someone-else')
      expect(errorOf(other, 404)).toMatchObject({ code: 'token_not_found', param: 'account_token' })
      expect(errorOf(await recurring('tok_unknown'), 404).code).toBe('token_not_found')
      expect(await t.deps.payments.findByMerchantId(TEST_PROJECT.id, other.paymentId)).toBeUndefined()
    })

    it('refuses a missing customer and replays with the same key', async () => {
      const missing = await gate(t.app, '/v2/payment/card/recurring', { general: general(orderId()), payment: { amount: 1, currency: 'EUR' }, account_token: 'tok_x' })
      expect(errorOf(missing, 400).param).toBe('customer')
      const token = await saveCard()
      const first = await recurring(token, 'cust-rec', orderId('rec'), 'rec-key-1')
      const again = await recurring(token, 'cust-rec', first.paymentId, 'rec-key-1')
      expect(again.body).toEqual(first.body)
      expect((await status(first.paymentId)).operations).toHaveLength(1)
    })

    it('makes a one-stage charge: nothing to capture afterwards', async () => {
      const token = await saveCard()
      const { paymentId } = await recurring(token)
      const capture = await gate(t.app, '/v2/payment/card/capture', { general: general(paymentId) })
      expect(errorOf(capture, 409)).toMatchObject({ code: 'invalid_transition' })
    })
  })

  describe('POST /v2/payment/wallet/jeton/sale', () => {
    it('starts a wallet payment and gives redirect_data to the wallet page', async () => {
      const paymentId = orderId('jt')
      const response = await gate(t.app, '/v2/payment/wallet/jeton/sale', { general: general(paymentId), payment: { amount: 2500, currency: 'EUR' }, return_url: 'https://shop.example/done' })
      expect(response.status).toBe(200)
      const view = await status(paymentId)
      expect(view.payment).toMatchObject({ status: 'awaiting redirect result', method: 'JetonWallet' })
      expect(view.redirect_data).toMatchObject({ method: 'GET', url: expect.stringMatching(/\/sim\/wallets\/jeton\/[\w.-]+$/), body: {} })
      const [callback] = await verifiedCallbacks(paymentId)
      expect(callback).toMatchObject({ payment: { status: 'awaiting redirect result' }, redirect_data: { method: 'GET' } })
    })

    it('refuses another wallet and an amount Jeton does not take', async () => {
      const other = await gate(t.app, '/v2/payment/wallet/paypal/sale', { general: general(orderId()), payment: { amount: 2500, currency: 'EUR' } })
      expect(errorOf(other, 404).code).toBe('not_found')
      const tinyId = orderId()
      const tiny = await gate(t.app, '/v2/payment/wallet/jeton/sale', { general: general(tinyId), payment: { amount: 50, currency: 'EUR' } })
      expect(errorOf(tiny, 400)).toMatchObject({ code: 'validation_failed', param: 'payment.amount' })
      expect(await t.deps.payments.findByMerchantId(TEST_PROJECT.id, tinyId)).toBeUndefined()
    })
  })
})
