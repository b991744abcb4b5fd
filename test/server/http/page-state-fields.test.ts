import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PaymentStateSchema, SessionViewSchema } from '../../../protocol/schemas/page-api.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { TEST_PROJECT, fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }

type Schema = { type: string; entries?: Record<string, Schema>; wrapped?: Schema; item?: Schema }

/** Every key path a schema allows (`state.last_attempt.code`, `saved_cards[].mask`); records and leaves end a path. */
function schemaPaths(schema: Schema, prefix = ''): string[] {
  if (schema.type === 'optional' && schema.wrapped) return schemaPaths(schema.wrapped, prefix)
  if (schema.type === 'array' && schema.item) return [prefix, ...schemaPaths(schema.item, `${prefix}[]`)].filter(Boolean)
  if (schema.type === 'object' && schema.entries) {
    return Object.entries(schema.entries).flatMap(([key, entry]) => {
      const path = prefix ? `${prefix}.${key}` : key
      return [path, ...schemaPaths(entry, path)]
    })
  }
  return []
}

/** The key paths present in one answer, in the same notation. */
function valuePaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    if (prefix) out.add(prefix)
    for (const item of value) valuePaths(item, `${prefix}[]`, out)
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const path = prefix ? `${prefix}.${key}` : key
      out.add(path)
      valuePaths(item, path, out)
    }
  }
  return out
}

/**
 * Every field the hosted page reads must come out of some real server answer: a field the
 * schema (and so the page) knows but the server never fills is a feature that silently does
 * nothing, as `return_mode` was.
 * @see issue 9, item 8: `redirect_success_mode=parent_page` stored but never reaching the page
 */
describe.each(testDatabases())('the page state the server builds on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    t = await makeTestApp(sql, { clock: fixedClock() })
  })
  afterAll(() => sql.close())

  const open = async (params: Record<string, string | number | boolean>) => {
    const query = signedQuery(paymentParams(params))
    // Added after signing, as the embed script adds them.
    query.set('_referrer', `${TEST_PROJECT.origin}/checkout`)
    query.set('_guid', 'guid_1')
    const response = await t.app.request(`/payment?${query}`)
    expect(response.status).toBe(200)
    const html = await response.text()
    const boot = JSON.parse(/<script[^>]*id="epay-boot"[^>]*>(.*?)<\/script>/s.exec(html)![1]!) as { session: unknown }
    return { token: tokenFrom(html), boot: boot.session }
  }
  const call = async (token: string, path: string, body?: unknown) => {
    const response = await t.app.request(`/api/page/${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    expect(response.status).toBe(200)
    return response.json() as Promise<unknown>
  }

  it('fills every field of SessionViewSchema and PaymentStateSchema in some answer', async () => {
    const sessions: unknown[] = []
    const states: unknown[] = []
    const rich = {
      customer_id: 'cust-fields', payment_description: 'Headphones', language_code: 'ru',
      theme: JSON.stringify({ accent: '#0a7d5a' }), merchant_return_url: 'https://shop.example/back',
      redirect_success_url: 'https://shop.example/paid', redirect_success_mode: 'parent_page',
    }

    const first = await open(rich)
    sessions.push(first.boot, await call(first.token, 'session'))
    states.push(await call(first.token, 'pay', { method: 'card', card: { ...CARD, pan: '4000000000000002' } }))
    states.push(await call(first.token, 'pay', { method: 'card', card: CARD, save_card: true }))

    const second = await open(rich)
    sessions.push(await call(second.token, 'session'))
    states.push(await call(second.token, 'pay', { method: 'card', card: { ...CARD, pan: '4000000000003220' } }))
    states.push(await call(second.token, 'status'))

    for (const s of sessions) v.parse(SessionViewSchema, s)
    for (const s of states) v.parse(PaymentStateSchema, s)
    const seen = new Set<string>()
    for (const s of sessions) valuePaths(s, '', seen)
    for (const s of states) valuePaths(s, 'state', seen)
    const missing = schemaPaths(SessionViewSchema as unknown as Schema).filter((path) => !seen.has(path))
    expect(missing).toEqual([])
  })

  it('sends return_mode parent_page to the page with the return URL of the result', async () => {
    const { token } = await open({ redirect_success_url: 'https://shop.example/paid', redirect_success_mode: 'parent_page' })
    const state = v.parse(PaymentStateSchema, await call(token, 'pay', { method: 'card', card: CARD }))
    expect(state).toMatchObject({ status: 'success', return_url: 'https://shop.example/paid', return_mode: 'parent_page' })
  })
})
