import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { PaymentStateSchema, SessionViewSchema } from '../../../protocol/schemas/page-api.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { TEST_PROJECT, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }
const DECLINE = { ...CARD, pan: '4000000000000002' }

describe.each(testDatabases())('/api/page on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    t = await makeTestApp(sql, { callbackUrl: 'http://127.0.0.1:9/callbacks' })
  })
  afterAll(() => sql.close())

  const openSession = async (params = paymentParams(), extra: Record<string, string> = {}) => {
    const query = signedQuery(params)
    for (const [k, val] of Object.entries(extra)) query.set(k, val)
    const response = await t.app.request(`/payment?${query}`)
    expect(response.status).toBe(200)
    return { token: tokenFrom(await response.text()), params }
  }
  const api = (token: string, path: string, body?: unknown) =>
    t.app.request(`/api/page/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const pay = (token: string, card = CARD) => api(token, 'pay', { method: 'card', card })
  const count = async (table: string, where = 'true') =>
    Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE ${where}`))[0]!.n)

  it('describes the payment from the stored, signed data only', async () => {
    const { token, params } = await openSession(paymentParams({ payment_description: '<b>Tea</b>', language_code: 'ru' }), {
      _referrer: TEST_PROJECT.origin,
      _guid: 'abc',
    })
    const view = v.parse(SessionViewSchema, await (await api(token, 'session')).json())
    expect(view).toMatchObject({
      payment: { id: params.payment_id, amount: 1000, currency: 'EUR', description: '<b>Tea</b>' },
      merchant: { name: 'Test Shop' },
      test_mode: true,
      language: 'ru',
      parent_origin: TEST_PROJECT.origin,
      guid: 'abc',
      state: { status: 'new', attempts_left: 3 },
    })
  })

  it('does not trust a _referrer outside the project origins', async () => {
    const { token } = await openSession(paymentParams(), { _referrer: 'https://evil.example' })
    const view = v.parse(SessionViewSchema, await (await api(token, 'session')).json())
    expect(view.parent_origin).toBeUndefined()
  })

  it('charges a frictionless card once and writes the ledger and the callback with it', async () => {
    const { token } = await openSession()
    const response = await pay(token)
    expect(response.status).toBe(200)
    const state = v.parse(PaymentStateSchema, await response.json())
    expect(state).toMatchObject({ status: 'success', last_attempt: { status: 'success', card: '424242******4242' } })
    const [payment] = await sql.query<{ id: string }>("SELECT id FROM payments WHERE status = 'success' ORDER BY updated_at DESC LIMIT 1")
    expect(await count('operations', `payment_row_id = '${payment!.id}'`)).toBe(1)
    expect(await count('callback_outbox', `payment_row_id = '${payment!.id}'`)).toBe(1)
    const sums = await sql.query<{ s: string }>('SELECT sum(amount) AS s FROM ledger_postings')
    expect(Number(sums[0]!.s)).toBe(0)
  })

  it('refuses to pay a paid payment again, also when the request is replayed', async () => {
    const { token } = await openSession()
    expect((await pay(token)).status).toBe(200)
    const again = await pay(token)
    expect(again.status).toBe(409)
    expect(v.parse(ErrorEnvelopeSchema, await again.json()).error.code).toBe('payment_completed')
  })

  it('charges once when two tabs pay at the same time', async () => {
    const params = paymentParams()
    const [a, b] = await Promise.all([openSession(params), openSession(params)])
    const responses = await Promise.all([pay(a.token), pay(b.token), pay(a.token), pay(b.token)])
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1)
    for (const r of responses.filter((x) => x.status !== 200)) {
      expect(['conflict', 'payment_completed']).toContain(v.parse(ErrorEnvelopeSchema, await r.json()).error.code)
    }
    const [row] = await sql.query<{ id: string }>('SELECT id FROM payments WHERE payment_id = $1', [params.payment_id])
    expect(await count('operations', `payment_row_id = '${row!.id}' AND status = 'success'`)).toBe(1)
    expect(await count('sim_card_authorisations', `reference IN (SELECT id::text FROM operations WHERE payment_row_id = '${row!.id}')`)).toBe(1)
  })

  it('declines the decline test card and lets the shopper retry until attempts run out', async () => {
    const { token } = await openSession()
    const first = v.parse(PaymentStateSchema, await (await pay(token, DECLINE)).json())
    expect(first).toMatchObject({ status: 'decline', attempts_left: 2, last_attempt: { status: 'decline', code: '20102', message: 'Card declined' } })
    await pay(token, DECLINE)
    const third = v.parse(PaymentStateSchema, await (await pay(token, DECLINE)).json())
    expect(third.attempts_left).toBe(0)
    const fourth = await pay(token, CARD)
    expect(fourth.status).toBe(409)
    expect(v.parse(ErrorEnvelopeSchema, await fourth.json()).error.code).toBe('attempts_exhausted')
  })

  it('lets a declined payment succeed with another card', async () => {
    const { token } = await openSession()
    await pay(token, DECLINE)
    const state = v.parse(PaymentStateSchema, await (await pay(token, CARD)).json())
    expect(state.status).toBe('success')
  })

  it('validates card input without echoing it and without spending an attempt', async () => {
    const { token } = await openSession()
    const bad = await pay(token, { ...CARD, pan: '4242424242424241' })
    expect(bad.status).toBe(400)
    const text = await bad.text()
    expect(text).not.toContain('4242424242424241')
    expect(v.parse(ErrorEnvelopeSchema, JSON.parse(text)).error).toMatchObject({ code: 'validation_failed', param: 'card.pan' })
    const expired = await pay(token, { ...CARD, exp_year: 2020 })
    expect(v.parse(ErrorEnvelopeSchema, await expired.json()).error.param).toBe('card.exp_year')
    const state = v.parse(PaymentStateSchema, await (await api(token, 'status')).json())
    expect(state).toMatchObject({ status: 'new', attempts_left: 3 })
  })

  it('rejects missing, forged and malformed requests with the envelope', async () => {
    const noToken = await t.app.request('/api/page/session')
    expect(noToken.status).toBe(401)
    const { token } = await openSession()
    const forged = token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA')
    expect(v.parse(ErrorEnvelopeSchema, await (await api(forged, 'session')).json()).error.code).toBe('invalid_session')
    const malformed = await t.app.request('/api/page/pay', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: '{"method":',
    })
    expect(malformed.status).toBe(400)
    expect(v.parse(ErrorEnvelopeSchema, await malformed.json()).error.code).toBe('validation_failed')
  })

  it('limits card submissions per session (card-testing defence)', async () => {
    const { token } = await openSession()
    const bad = { ...CARD, pan: '4242424242424241' }
    for (let i = 0; i < 10; i++) expect((await pay(token, bad)).status).toBe(400)
    const limited = await pay(token, bad)
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('60')
    expect(v.parse(ErrorEnvelopeSchema, await limited.json()).error.code).toBe('rate_limited')
    const fresh = await openSession()
    expect((await pay(fresh.token, bad)).status).toBe(400)
  })

  it('never writes the card number or CVC to the database or the logs', async () => {
    const { token } = await openSession()
    await pay(token, { ...CARD, cvc: '739' })
    const tables = ['payments', 'operations', 'callback_outbox', 'ledger_postings', 'sim_card_authorisations', 'settings']
    for (const table of tables) {
      const dump = JSON.stringify(await sql.query(`SELECT * FROM ${table}`))
      expect(dump).not.toContain('4242424242424242')
      expect(dump).not.toContain('4000000000000002')
      expect(dump).not.toMatch(/\b739\b/)
    }
    const logs = t.logs.join('\n')
    expect(logs).not.toContain('4242424242424242')
    expect(logs).not.toMatch(/\b739\b/)
  })
})
