import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SessionViewSchema } from '../../../protocol/schemas/page-api.ts'
import { createHmac } from 'node:crypto'
import { splitSignature } from '../../../server/signature/signature.ts'
import { SDK_ALGORITHMS, sdkStringToSign } from '../../../server/signature/sdk-string-to-sign.ts'
import type { Signable } from '../../../server/signature/string-to-sign.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { Callback, card, gate, gateTestApp, general, orderId, signGate } from '../../fixtures/gate.ts'
import { parseLenientJson } from '../../fixtures/lenient-json.ts'
import { passWallet } from '../../fixtures/sim-browser.ts'
import { TEST_PROJECT, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

// Issue 10 item 2: the nine request and callback examples of ECommPay's Jeton documentation
// (../shared/conformance/ecommpay/jeton-examples.json, read in place) as golden tests. Requests
// are sent verbatim (only our project id, payment id and signature put in); callbacks EPay sends
// for the same flow have every key of the example with the same JSON type and the same words.
// Ids, dates, amounts and signatures may differ; EPay may add keys (e.g. account.type on cards).
const FILE = fileURLToPath(new URL('../../../../shared/conformance/ecommpay/jeton-examples.json', import.meta.url))
const { examples } = JSON.parse(readFileSync(FILE, 'utf8')) as { examples: Array<{ what: string; text: string }> }
const example = (what: RegExp) => {
  const found = examples.filter((e) => what.test(e.what))
  expect(found, String(what)).toHaveLength(1)
  return parseLenientJson(found[0]!.text) as Record<string, Signable>
}

/** Paths whose value is a word of the protocol: they must be equal, not just of the same type. */
const WORDS = new Set([
  'payment.type', 'payment.status', 'payment.method', 'payment.description', 'payment.sum.currency',
  'operation.type', 'operation.status', 'operation.code', 'operation.message', 'operation.sum_initial.currency', 'operation.sum_converted.currency',
  'errors.0.code', 'errors.0.message', 'errors.0.description',
])

/** Every official SDK's callback check recomputes the signature its own way: all five must agree. */
function expectEverySdkVerifies(body: Record<string, unknown>): void {
  const { signature, params } = splitSignature(body as Record<string, Signable>)
  for (const sdk of SDK_ALGORITHMS) {
    expect(createHmac('sha512', TEST_PROJECT.secret).update(sdkStringToSign(params, sdk)).digest('base64'), sdk).toBe(signature)
  }
}

function expectGoldenShape(actual: unknown, golden: unknown, path = ''): void {
  if (path === '') expectEverySdkVerifies(actual as Record<string, unknown>)
  const kind = (x: unknown) => (Array.isArray(x) ? 'array' : x === null ? 'null' : Number.isInteger(x) ? 'integer' : typeof x)
  expect(kind(actual), `${path || 'body'} has the type of the example`).toBe(kind(golden))
  if (WORDS.has(path)) expect(actual, path).toBe(golden)
  if (golden && typeof golden === 'object') {
    for (const [key, value] of Object.entries(golden)) {
      if (key === 'signature') continue
      const at = path ? `${path}.${key}` : key
      expect(actual as Record<string, unknown>, `${at} is present`).toHaveProperty([key])
      expectGoldenShape((actual as Record<string, unknown>)[key], value, at)
    }
  }
}

describe('ECommPay Jeton documentation examples, verbatim', () => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  beforeAll(async () => {
    sql = await memoryDatabase()
    t = await gateTestApp(sql)
    // Funds for the payouts.
    expect((await gate(t.app, '/v2/payment/card/sale', { general: general(orderId('fund')), payment: { amount: 500_000, currency: 'EUR' }, card: card() })).status).toBe(200)
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  const theCallback = async (paymentId: string) => {
    const all = await t.callbacks(paymentId)
    expect(all).toHaveLength(1)
    const body = all[0]!
    expect(() => new Callback(TEST_PROJECT.secret, body)).not.toThrow()
    return body
  }
  /** The shopper decides on the test wallet page and comes back; the answer of that return. */
  const decide = async (redirect: { method: 'GET' | 'POST'; url: string; body: Record<string, string> }, decision: 'success' | 'decline') =>
    (await passWallet(t.app, redirect, decision)).returned
  /** A Payment Page Jeton payment; `attempts` tries, the callback of the last one. */
  const pagePayment = async (amount: number, decision: 'success' | 'decline', attempts = 1) => {
    const params = paymentParams({ payment_id: orderId('pp'), payment_amount: amount, customer_id: '1780597', payment_description: 'deposit', force_payment_method: 'jetonWalletV3' })
    const token = tokenFrom(await (await t.app.request(`/payment?${signedQuery(params)}`)).text())
    let last: Record<string, unknown> | undefined
    for (let i = 0; i < attempts; i++) {
      const paid = await t.app.request('/api/page/pay', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ method: 'jeton' }) })
      const state = (await paid.json()) as { redirect_data: { method: 'GET' | 'POST'; url: string; body: Record<string, string> } }
      await decide(state.redirect_data, decision)
      last = (await t.callbacks(params.payment_id as string))[i]
    }
    expect(() => new Callback(TEST_PROJECT.secret, last!)).not.toThrow()
    return last!
  }
  const gateSale = async (amount: number, decision: 'success' | 'decline') => {
    const paymentId = orderId('gs')
    const body = { general: general(paymentId), payment: { amount, currency: 'EUR', description: 'deposit' }, customer: { id: '1780597', ip_address: '248.121.176.220' } }
    expect((await gate(t.app, '/v2/payment/wallet/jeton/sale', body)).status).toBe(200)
    const status = (await gate(t.app, '/v2/payment/status', { general: general(paymentId) })).body as { redirect_data: { method: 'GET' | 'POST'; url: string; body: Record<string, string> } }
    await decide(status.redirect_data, decision)
    // The first callback reported the wait for the wallet (`awaiting redirect result`); the result is the last.
    const all = await t.callbacks(paymentId)
    expect(all.map((c) => c.operation.status).sort()).toEqual(['awaiting redirect result', decision].sort())
    const result = all.find((c) => c.operation.status === decision)!
    expect(() => new Callback(TEST_PROJECT.secret, result)).not.toThrow()
    return result
  }
  const payout = async (amount: number) => {
    const paymentId = orderId('po')
    const body = { general: general(paymentId), payment: { amount, currency: 'EUR', description: 'withdrawal' }, customer: { id: '543085', ip_address: '248.121.176.220' }, account: { number: '93017949' } }
    expect((await gate(t.app, '/v2/payment/wallet/jeton/payout', body)).status).toBe(200)
    return theCallback(paymentId)
  }

  it('1. Payment Page: the EPayWidget.run parameters open the page; force_payment_method=jetonWalletV3 preselects Jeton', async () => {
    const params = example(/^Payment Page: parameters/)
    const { signature: _ignored, ...fields } = params
    expect(Object.keys(fields).sort()).toEqual(['customer_id', 'payment_amount', 'payment_currency', 'payment_id', 'project_id'])
    const ours = { ...fields, project_id: TEST_PROJECT.id, payment_id: orderId('X03936') } as Record<string, string | number>
    expect((await t.app.request(`/payment?${signedQuery(ours)}`)).status).toBe(200)
    for (const force of ['jetonWalletV3', 'jeton']) {
      const html = await (await t.app.request(`/payment?${signedQuery({ ...ours, payment_id: orderId(force), force_payment_method: force })}`)).text()
      const session = await (await t.app.request('/api/page/session', { headers: { authorization: `Bearer ${tokenFrom(html)}` } })).json()
      expect(v.parse(SessionViewSchema, session).methods).toEqual(['jeton'])
    }
  })

  it('2. Payment Page: the callback for a successful Jeton payment', async () => {
    expectGoldenShape(await pagePayment(20_400, 'success'), example(/^Payment Page: callback for a successful/))
  })

  it('3. Payment Page: the callback for a declined Jeton payment (20106)', async () => {
    // The page allows three attempts: the documentation's final decline is the last one's
    // (the earlier ones are `awaiting customer`, ECommPay's retry semantics).
    expectGoldenShape(await pagePayment(40_000, 'success', 3), example(/^Payment Page: callback for a declined/))
  })

  it('4. Gate: the Jeton sale request, return_url {success, decline} and customer.ip_address as printed; the shopper lands on the merchant URL', async () => {
    const request = example(/^Gate: request for a Jeton sale/)
    const paymentId = orderId('gate-sale')
    const returnUrl = request['return_url'] as Record<string, string>
    expect(returnUrl).toEqual({ decline: 'http://return.url', success: 'http://return.url' })
    // The merchant's own return URLs (on the project's allowed hosts) in the same shape.
    const body = { ...request, general: { ...(request['general'] as object), project_id: TEST_PROJECT.id, payment_id: paymentId }, return_url: { decline: 'https://shop.example/declined', success: 'https://shop.example/paid' } }
    const answer = await gate(t.app, '/v2/payment/wallet/jeton/sale', signGate(body), { unsigned: true })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
    const status = (await gate(t.app, '/v2/payment/status', { general: general(paymentId) })).body as { redirect_data: { method: 'GET' | 'POST'; url: string; body: Record<string, string> } }
    const landed = await decide(status.redirect_data, 'success')
    expect(landed.status).toBe(303)
    expect(landed.headers.get('location')).toBe('https://shop.example/paid')
    // A declined wallet payment lands on the decline URL.
    const declinedId = orderId('gate-sale-no')
    await gate(t.app, '/v2/payment/wallet/jeton/sale', signGate({ ...body, general: { ...body.general, payment_id: declinedId } }), { unsigned: true })
    const declined = (await gate(t.app, '/v2/payment/status', { general: general(declinedId) })).body as { redirect_data: { method: 'GET' | 'POST'; url: string; body: Record<string, string> } }
    expect((await decide(declined.redirect_data, 'decline')).headers.get('location')).toBe('https://shop.example/declined')
  })

  it('5. Gate: the callback for a successful Jeton sale', async () => {
    expectGoldenShape(await gateSale(20_400, 'success'), example(/^Gate: callback for a successful Jeton sale/))
  })

  it('6. Gate: the callback for a declined Jeton sale', async () => {
    expectGoldenShape(await gateSale(50_000, 'decline'), example(/^Gate: callback for a declined Jeton sale/))
  })

  it('7. Gate: the Jeton payout request as printed', async () => {
    const request = example(/^Gate: request for a Jeton payout/)
    const body = { ...request, general: { ...(request['general'] as object), project_id: TEST_PROJECT.id, payment_id: orderId('63bc5d64') } }
    const answer = await gate(t.app, '/v2/payment/wallet/jeton/payout', signGate(body), { unsigned: true })
    expect(answer.status, JSON.stringify(answer.body)).toBe(200)
  })

  it('8. Gate: the callback for a successful Jeton payout', async () => {
    const callback = await payout(30_000)
    expectGoldenShape(callback, example(/^Gate: callback for a successful Jeton payout/))
    // account.number is the wallet account the payout went to, as in the example.
    expect((callback as Record<string, Record<string, unknown>>)['account']!['number']).toBe('93017949')
  })

  it('9. Gate: the callback for a payout declined for the merchant balance (3028, errors[] with description)', async () => {
    expectGoldenShape(await payout(100_000_00), example(/^Gate: callback for a payout declined/))
  })
})
