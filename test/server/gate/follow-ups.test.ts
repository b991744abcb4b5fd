import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateCallbackSchema, GateErrorSchema, PaymentStatusResponseSchema } from '../../../protocol/schemas/gate-views.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { Callback, card, expectLedgerBalanced, gate, gateTestApp, general, orderId, tickingClock } from '../../fixtures/gate.ts'
import { passWallet } from '../../fixtures/sim-browser.ts'
import { TEST_PROJECT, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

describe.each(testDatabases())('Gate capture, cancel and refund on $name', (db) => {
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

  const charge = async (kind: 'sale' | 'auth', amount = 1000, pan = '4242424242424242') => {
    const paymentId = orderId(kind)
    const response = await gate(t.app, `/v2/payment/card/${kind}`, { general: general(paymentId), payment: { amount, currency: 'EUR' }, card: card(pan) })
    expect(response.status).toBe(200)
    return paymentId
  }
  const call = (path: string, paymentId: string, payment?: Record<string, unknown>, key?: string) =>
    gate(t.app, `/v2/payment/${path}`, { general: general(paymentId), ...(payment ? { payment } : {}) } as never, key ? { key } : {})
  const status = async (paymentId: string) => v.parse(PaymentStatusResponseSchema, (await gate(t.app, '/v2/payment/status', { general: general(paymentId) })).body)
  const errorOf = (response: { status: number; body: unknown }, code: number) => {
    expect(response.status).toBe(code)
    return v.parse(GateErrorSchema, response.body)
  }
  /** The callback of the payment's latest operation, checked with the official ECommPay SDK. */
  const lastCallback = async (paymentId: string) => {
    const latest = (await status(paymentId)).operations.at(-1)!
    const body = (await t.callbacks(paymentId)).find((b) => b.operation.id === latest.id)
    expect(body).toBeDefined()
    expect(() => new Callback(TEST_PROJECT.secret, body!)).not.toThrow()
    return v.parse(GateCallbackSchema, body)
  }
  const merchantPostings = async (paymentId: string) =>
    Number((await sql.query<{ s: string | null }>(
      `SELECT sum(l.amount) AS s FROM ledger_postings l JOIN operations o ON o.id = l.operation_id JOIN payments p ON p.id = o.payment_row_id
       WHERE p.payment_id = $1 AND l.account = 'merchant'`, [paymentId]))[0]!.s ?? 0)

  describe('POST /v2/payment/card/capture', () => {
    it('captures the whole authorisation by default and posts it to the ledger', async () => {
      const id = await charge('auth')
      const response = await call('card/capture', id)
      expect(response.status).toBe(200)
      expect(response.body).toMatchObject({ status: 'success', payment_id: id })
      const view = await status(id)
      expect(view.payment.status).toBe('success')
      expect(view.operations.map((o) => [o.type, o.status, o.sum_initial.amount])).toEqual([['auth', 'success', 1000], ['capture', 'success', 1000]])
      expect(view.operations[1]!.request_id).toBe(response.body['request_id'])
      expect(await merchantPostings(id)).toBe(-1000)
      expect(await lastCallback(id)).toMatchObject({ payment: { status: 'success' }, operation: { type: 'capture', status: 'success' }, account: { number: '424242******4242' } })
    })

    it('captures part and refunds at most what was captured', async () => {
      const id = await charge('auth')
      expect((await call('card/capture', id, { amount: 600, currency: 'EUR' })).status).toBe(200)
      expect(await merchantPostings(id)).toBe(-600)
      expect(errorOf(await call('card/refund', id, { amount: 601 }), 400)).toMatchObject({ code: 'invalid_amount', param: 'payment.amount' })
      expect((await call('card/refund', id)).status).toBe(200)
      expect((await status(id)).payment.status).toBe('refunded')
    })

    it('refuses wrong states, amounts and currencies with clear codes', async () => {
      const declined = await charge('auth', 1000, '4000000000000002')
      expect(errorOf(await call('card/capture', declined), 409).code).toBe('invalid_transition')
      const sale = await charge('sale')
      expect(errorOf(await call('card/capture', sale), 409).code).toBe('invalid_transition')
      const auth = await charge('auth')
      expect(errorOf(await call('card/capture', auth, { amount: 1001 }), 400).code).toBe('invalid_amount')
      expect(errorOf(await call('card/capture', auth, { currency: 'USD' }), 400)).toMatchObject({ code: 'invalid_currency', param: 'payment.currency' })
      expect(errorOf(await call('card/capture', auth, { amount: 0 }), 400)).toMatchObject({ code: 'validation_failed', param: 'payment.amount' })
      expect(errorOf(await call('card/capture', 'no-such-order'), 404)).toMatchObject({ code: 'payment_not_found', param: 'general.payment_id' })
      expect((await call('card/capture', auth)).status).toBe(200)
      // The same signed capture again is answered as the first one; another capture is refused.
      expect((await call('card/capture', auth)).headers.get('idempotent-replayed')).toBe('true')
      expect(errorOf(await call('card/capture', auth, { amount: 500 }), 409).code).toBe('invalid_transition')
    })

    it('replays a capture for the same key and refuses the key with another body', async () => {
      const id = await charge('auth')
      const first = await call('card/capture', id, { amount: 300 }, `cap-${id}`)
      const again = await call('card/capture', id, { amount: 300 }, `cap-${id}`)
      expect(again.body).toEqual(first.body)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(errorOf(await call('card/capture', id, { amount: 400 }, `cap-${id}`), 409).code).toBe('idempotency_key_reused')
      expect((await status(id)).operations.filter((o) => o.type === 'capture')).toHaveLength(1)
    })

    it('refuses a bad signature', async () => {
      const id = await charge('auth')
      const response = await gate(t.app, '/v2/payment/card/capture', { general: general(id) }, { secret: 'nope' })
      expect(errorOf(response, 403).code).toBe('invalid_signature')
      expect((await status(id)).payment.status).toBe('awaiting capture')
    })
  })

  describe('POST /v2/payment/card/cancel', () => {
    it('voids an authorisation: cancelled, nothing in the ledger', async () => {
      const id = await charge('auth')
      expect((await call('card/cancel', id)).status).toBe(200)
      const view = await status(id)
      expect(view.payment.status).toBe('cancelled')
      expect(view.operations.at(-1)).toMatchObject({ type: 'cancel', status: 'success', sum_initial: { amount: 1000 } })
      expect(await merchantPostings(id)).toBe(0)
      expect(await lastCallback(id)).toMatchObject({ payment: { status: 'cancelled' }, operation: { type: 'cancel' } })
      expect(errorOf(await call('card/capture', id), 409).code).toBe('invalid_transition')
      // The same signed cancel again, without a key, is the same request: its first answer, nothing more.
      const again = await call('card/cancel', id)
      expect(again.status).toBe(200)
      expect(again.headers.get('idempotent-replayed')).toBe('true')
      expect(errorOf(await call('card/cancel', id, undefined, `cancel-${id}`), 409).code).toBe('invalid_transition')
    })

    it('refunds a captured payment instead: the merchant says cancel, EPay picks', async () => {
      const id = await charge('sale')
      expect((await call('card/refund', id, { amount: 250 })).status).toBe(200)
      expect((await call('card/cancel', id)).status).toBe(200)
      const view = await status(id)
      expect(view.payment.status).toBe('refunded')
      expect(view.operations.map((o) => [o.type, o.sum_initial.amount])).toEqual([['sale', 1000], ['refund', 250], ['refund', 750]])
      expect(await merchantPostings(id)).toBe(0)
      expect(await lastCallback(id)).toMatchObject({ payment: { status: 'refunded' }, operation: { type: 'refund', status: 'success' } })
    })

    it('refuses to cancel a declined payment and replays by key', async () => {
      const declined = await charge('sale', 1000, '4000000000000002')
      expect(errorOf(await call('card/cancel', declined), 409).code).toBe('invalid_transition')
      const id = await charge('auth')
      const first = await call('card/cancel', id, undefined, `cancel-${id}`)
      expect((await call('card/cancel', id, undefined, `cancel-${id}`)).body).toEqual(first.body)
      expect(errorOf(await gate(t.app, '/v2/payment/card/cancel', { general: general(id) }, { secret: 'x' }), 403).code).toBe('invalid_signature')
    })
  })

  describe('POST /v2/payment/card/refund and /v2/payment/refund', () => {
    it('refunds in parts until everything is refunded', async () => {
      const id = await charge('sale', 900)
      expect((await call('card/refund', id, { amount: 100, description: 'one item' })).status).toBe(200)
      expect((await status(id)).payment.status).toBe('partially refunded')
      expect(await lastCallback(id)).toMatchObject({ payment: { status: 'partially refunded' }, operation: { type: 'refund', sum_initial: { amount: 100 } } })
      expect((await call('refund', id, { amount: 300 })).status).toBe(200)
      expect(errorOf(await call('refund', id, { amount: 501 }), 400).code).toBe('invalid_amount')
      expect((await call('card/refund', id, { amount: 500 })).status).toBe(200)
      expect((await status(id)).payment.status).toBe('refunded')
      expect(await merchantPostings(id)).toBe(0)
      expect(errorOf(await call('card/refund', id, { amount: 1 }), 409).code).toBe('invalid_transition')
    })

    it('refuses to refund an authorisation that was never captured', async () => {
      const id = await charge('auth')
      expect(errorOf(await call('card/refund', id), 409)).toMatchObject({ code: 'invalid_transition' })
    })

    it('replays a refund for the same key: refunded once', async () => {
      const id = await charge('sale')
      const first = await call('refund', id, { amount: 100 }, `refund-${id}`)
      const again = await call('refund', id, { amount: 100 }, `refund-${id}`)
      expect(again.body).toEqual(first.body)
      expect((await status(id)).operations.filter((o) => o.type === 'refund')).toHaveLength(1)
      expect(errorOf(await gate(t.app, '/v2/payment/refund', { general: general(id) }, { secret: 'x' }), 403).code).toBe('invalid_signature')
      expect(errorOf(await call('refund', id, { amount: -5 }), 400).param).toBe('payment.amount')
    })
  })

  describe('payments made on the payment page', () => {
    it('captures a two-stage payment the shopper authorised on the page', async () => {
      const params = paymentParams({ operation_type: 'auth', payment_amount: 2500 })
      const token = tokenFrom(await (await t.app.request(`/payment?${signedQuery(params)}`)).text())
      const paid = await t.app.request('/api/page/pay', {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'card', card: { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' } }),
      })
      expect(paid.status).toBe(200)
      expect((await status(params.payment_id)).payment.status).toBe('awaiting capture')
      expect((await call('card/capture', params.payment_id, { amount: 2000 })).status).toBe(200)
      expect((await status(params.payment_id)).payment.status).toBe('success')
      expect(await merchantPostings(params.payment_id)).toBe(-2000)
    })

    it('refunds a wallet payment through /v2/payment/refund', async () => {
      const id = orderId('jt')
      expect((await gate(t.app, '/v2/payment/wallet/jeton/sale', { general: general(id), payment: { amount: 3000, currency: 'EUR' } })).status).toBe(200)
      const redirect = (await status(id)).redirect_data!
      // The wallet sends the shopper back to EPay, which asks the wallet and settles the payment.
      const { returned } = await passWallet(t.app, redirect, 'success')
      expect(returned.status).toBe(303)
      expect((await status(id)).payment).toMatchObject({ status: 'success', method: 'JetonWallet' })
      expect((await call('refund', id, { amount: 1000 })).status).toBe(200)
      const view = await status(id)
      expect(view.payment.status).toBe('partially refunded')
      expect(view.operations.at(-1)).toMatchObject({ type: 'refund', status: 'success', provider: { id: 1079 } })
      expect(await lastCallback(id)).toMatchObject({ payment: { method: 'JetonWallet' }, operation: { type: 'refund' } })
    })
  })

  describe('an answer that never arrives', () => {
    it('keeps other follow-ups out while in flight, then settles from the provider\'s records', async () => {
      const id = await charge('auth')
      const operations = t.deps.simulators.cardOperations
      const capture = operations.capture
      // The acquirer captures, but its answer is lost on the way back (a timeout, a crash).
      operations.capture = async (request) => {
        await capture(request)
        throw new Error('connection reset')
      }
      try {
        expect((await call('card/capture', id)).status).toBe(200)
      } finally {
        operations.capture = capture
      }
      const waiting = await status(id)
      expect(waiting.payment.status).toBe('awaiting capture')
      expect(waiting.operations.at(-1)).toMatchObject({ type: 'capture', status: 'processing' })
      expect(errorOf(await call('card/cancel', id), 409).code).toBe('conflict')
      clock.advance(11_000)
      // A later request finds the stalled capture, asks the acquirer's records, and goes on.
      expect((await call('card/refund', id, { amount: 100 })).status).toBe(200)
      const settled = await status(id)
      expect(settled.payment.status).toBe('partially refunded')
      expect(settled.operations.map((o) => [o.type, o.status])).toEqual([['auth', 'success'], ['capture', 'success'], ['refund', 'success']])
    })

    it('is settled by the background job, and declined when the provider never got the request', async () => {
      const id = await charge('sale')
      const operations = t.deps.simulators.cardOperations
      const refund = operations.refund
      operations.refund = () => Promise.reject(new Error('connection refused'))
      try {
        expect((await call('card/refund', id, { amount: 300 })).status).toBe(200)
      } finally {
        operations.refund = refund
      }
      expect((await status(id)).operations.at(-1)?.status).toBe('processing')
      clock.advance(11_000)
      await t.jobs.tick()
      const view = await status(id)
      expect(view.payment.status).toBe('success')
      expect(view.operations.at(-1)).toMatchObject({ type: 'refund', status: 'decline', code: '30000' })
      expect(await merchantPostings(id)).toBe(-1000)
      expect(await lastCallback(id)).toMatchObject({ operation: { type: 'refund', status: 'decline' } })
    })
  })
})
