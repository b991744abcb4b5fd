import { createHmac } from 'node:crypto'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateCallbackSchema, PaymentStatusResponseSchema } from '../../../protocol/schemas/gate-views.ts'
import { splitSignature } from '../../../server/signature/signature.ts'
import { SDK_ALGORITHMS, sdkStringToSign } from '../../../server/signature/sdk-string-to-sign.ts'
import type { Signable } from '../../../server/signature/string-to-sign.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { gate, general } from '../../fixtures/gate.ts'
import { TEST_PROJECT, callbackReceiver, fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

// Issue 10 item 3: ECommPay's retry semantics, as docs/integration.md documents the sequence.
// A declined attempt the shopper may retry is `awaiting customer` (is_new_attempts_available,
// attempts_timeout), never a final `decline` followed by `success`; the final `decline` comes
// when no attempt is left or the retry window ends. The status API speaks the same words.
const DECLINED = { pan: '4000000000000002', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }
const GOOD = { ...DECLINED, pan: '4242424242424242' }
const ECOMMPAY_STATUSES = [
  'success', 'internal error', 'expired', 'awaiting customer', 'decline', 'external error', 'awaiting 3ds result',
  'awaiting redirect result', 'awaiting clarification', 'awaiting capture', 'canceled', 'cancelled', 'refunded',
  'partially refunded', 'processing', 'error', 'reversed',
]

describe.each(testDatabases())('callback and status vocabulary on $name', (db) => {
  let sql: Sql
  let receiver: Awaited<ReturnType<typeof callbackReceiver>>
  let t: Awaited<ReturnType<typeof makeTestApp>>
  const clock = fixedClock()
  beforeAll(async () => {
    receiver = await callbackReceiver(() => 200)
    sql = await db.open()
    t = await makeTestApp(sql, { clock, callbackUrl: receiver.url })
  })
  afterAll(async () => {
    await sql.close()
    await receiver.close()
  })

  const open = async (paymentId: string) => {
    const params = paymentParams({ payment_id: paymentId })
    return tokenFrom(await (await t.app.request(`/payment?${signedQuery(params)}`)).text())
  }
  const pay = (token: string, card: typeof DECLINED) =>
    t.app.request('/api/page/pay', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'card', card }),
    })
  const callbacks = async (paymentId: string) => {
    await t.dispatcher.tick()
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as Record<string, Signable>)
    // New keys (is_new_attempts_available, attempts_timeout) must not make any SDK's order differ.
    for (const body of bodies) {
      const { signature, params } = splitSignature(body)
      for (const sdk of SDK_ALGORITHMS) expect(createHmac('sha512', TEST_PROJECT.secret).update(sdkStringToSign(params, sdk)).digest('base64'), sdk).toBe(signature)
    }
    return bodies.map((b) => v.parse(GateCallbackSchema, b)).filter((b) => b.payment.id === paymentId)
  }
  const status = async (paymentId: string) => v.parse(PaymentStatusResponseSchema, (await gate(t.app, '/v2/payment/status', { general: general(paymentId) })).body)

  it('reports a payment nothing was tried on as awaiting customer, never new', async () => {
    await open('vocab-new')
    const view = await status('vocab-new')
    expect(view.payment.status).toBe('awaiting customer')
    expect(ECOMMPAY_STATUSES).toContain(view.payment.status)
  })

  it('decline with attempts left → awaiting customer; a retry that succeeds → success; never decline then success', async () => {
    const token = await open('vocab-retry')
    await pay(token, DECLINED)
    const [first] = await callbacks('vocab-retry')
    expect(first).toMatchObject({
      payment: { status: 'awaiting customer', is_new_attempts_available: true, attempts_timeout: '2030-01-15T10:30:00+0000' },
      operation: { status: 'decline', code: '20102', message: 'Card declined', provider: { id: 1001 } },
    })
    expect((await status('vocab-retry')).payment).toMatchObject({ status: 'awaiting customer', is_new_attempts_available: true })
    await pay(token, GOOD)
    const statuses = (await callbacks('vocab-retry')).map((c) => [c.payment.status, c.operation.status])
    expect(statuses).toEqual([['awaiting customer', 'decline'], ['success', 'success']])
  })

  it('the last attempt declined → final decline at once', async () => {
    const token = await open('vocab-last')
    for (let i = 0; i < 3; i++) await pay(token, DECLINED)
    // Delivered in one dispatcher run (concurrently): compared as a set.
    const statuses = (await callbacks('vocab-last')).map((c) => `${c.payment.status}/${c.payment.is_new_attempts_available}`).sort()
    expect(statuses).toEqual(['awaiting customer/true', 'awaiting customer/true', 'decline/false'])
  })

  it('the retry window ends → one final decline callback, and the status API says decline', async () => {
    const token = await open('vocab-window')
    await pay(token, DECLINED)
    expect(await callbacks('vocab-window')).toHaveLength(1)
    clock.advance(29 * 60_000)
    await t.jobs.tick()
    expect(await callbacks('vocab-window')).toHaveLength(1)
    clock.advance(60_000)
    await t.jobs.tick()
    await t.jobs.tick()
    const all = await callbacks('vocab-window')
    expect(all.map((c) => [c.payment.status, c.operation.status, c.payment.is_new_attempts_available])).toEqual([
      ['awaiting customer', 'decline', true],
      ['decline', 'decline', false],
    ])
    expect((await status('vocab-window')).payment).toMatchObject({ status: 'decline', is_new_attempts_available: false })
    // No attempt is left: the page refuses another try.
    expect((await pay(token, GOOD)).status).toBeGreaterThanOrEqual(400)
  })

  it('the intermediate 3-D Secure callback carries a code and a message, and every provider id is an integer', async () => {
    const { status: code } = await gate(t.app, '/v2/payment/card/sale', {
      general: general('vocab-3ds'), payment: { amount: 1000, currency: 'EUR' },
      card: { pan: '4000000000003220', year: 2034, month: 12, cvv: '123' }, return_url: `${TEST_PROJECT.origin}/back`,
    })
    expect(code).toBe(200)
    const [pending] = await callbacks('vocab-3ds')
    expect(pending?.operation).toMatchObject({ status: 'awaiting 3ds result', code: '9999', message: 'Awaiting processing' })
    expect(Number.isInteger(pending?.operation.provider.id)).toBe(true)
  })
})
