import fc from 'fast-check'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateErrorSchema } from '../../protocol/schemas/gate-views.ts'
import { sign } from '../../server/signature/signature.ts'
import type { Signable } from '../../server/signature/string-to-sign.ts'
import type { Sql } from '../../server/storage/sql.ts'
import { gate, general } from '../fixtures/gate.ts'
import { TEST_PROJECT, fixedClock, makeTestApp } from '../fixtures/test-app.ts'
import { leakIn, nastyString } from './fuzz-inputs.ts'
import { memoryDatabase } from '../fixtures/databases.ts'
import { fuzzRuns } from './runs.ts'

// Gate API inputs (SPEC §9, §12) with random and malformed bodies, signatures, content types and
// Idempotency-Keys: never a 500, never a leak, every error in ECommPay's `{status: "error"}`
// shape, and nothing written (no payment, no operation) by a request that was refused. Most
// cases are signed, so they get past the signature to each route's own validation.

const RUNS = fuzzRuns(700)
const ROUTES = [
  '/v2/payment/card/sale', '/v2/payment/card/auth', '/v2/payment/card/recurring', '/v2/payment/card/capture', '/v2/payment/card/cancel',
  '/v2/payment/card/refund', '/v2/payment/refund', '/v2/payment/card/payout', '/v2/payment/wallet/jeton/sale',
  '/v2/payment/wallet/jeton/payout', '/v2/payment/wallet/paypal/sale', '/v2/payment/status', '/v2/operations/get', '/v2/balance',
  '/v2/token/card/create', '/v2/token/card/list', '/v2/token/card/delete', '/v2/payment/card/unknown',
] as const
const EXISTING = ['fuzz-sold', 'fuzz-authorised', 'fuzz-missing']

/** A value that is usually right for its field and sometimes anything at all. */
const field = <T,>(valid: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 14, arbitrary: valid as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: nastyString }, { weight: 1, arbitrary: fc.jsonValue() })
const maybe = <T,>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 })

const bodyArb = fc.record({
  general: fc.record({
    project_id: field(fc.constant(TEST_PROJECT.id)),
    payment_id: field(fc.oneof(fc.uuid(), fc.constantFrom(...EXISTING))),
    merchant_callback_url: maybe(field(fc.constant('https://merchant.example/cb'))),
  }),
  payment: maybe(fc.record({
    amount: field(fc.integer({ min: 1, max: 5_000_000 })),
    currency: field(fc.constantFrom('EUR', 'USD', 'JPY')),
    description: maybe(field(fc.string({ maxLength: 30 }))),
  })),
  customer: maybe(fc.record({ id: field(fc.constantFrom('cust-1', 'cust-2')), ip_address: maybe(field(fc.constant('203.0.113.7'))) })),
  card: maybe(fc.record({
    pan: field(fc.constantFrom('4242424242424242', '4000000000000002', '4000000000003220', '4000000000000119')),
    year: field(fc.integer({ min: 2020, max: 2040 })),
    month: field(fc.integer({ min: 1, max: 12 })),
    cvv: maybe(field(fc.constantFrom('123', '1234'))),
    card_holder: maybe(field(fc.constant('JANE DOE'))),
  })),
  account: maybe(fc.record({ number: field(fc.constant('JT1234567890')) })),
  account_token: maybe(field(fc.constant('tok_unknown'))),
  token: maybe(field(fc.constant('tok_unknown'))),
  return_url: maybe(field(fc.constant('https://shop.example/back'))),
  currency: maybe(field(fc.constant('EUR'))),
  status: maybe(field(fc.constant(['success']))),
  limit: maybe(field(fc.integer({ min: 1, max: 100 }))),
  date_from: maybe(field(fc.constantFrom('2030-01-01', '2030-01-01T00:00:00+0000'))),
  cursor: maybe(nastyString),
  extra: maybe(fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'a:b', 'signature', 'x'), fc.jsonValue(), { maxKeys: 2 })),
}, { requiredKeys: ['general'] })

const requestArb = fc.record({
  path: fc.constantFrom(...ROUTES),
  body: bodyArb,
  signing: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'none', 'wrong_secret', 'tampered'),
  raw: fc.oneof(
    { weight: 12, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: fc.constantFrom('{', '[]', 'null', '{"general":{"project_id":4242,"project_id":4242}}', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'x'.repeat(70 * 1024), deepBody(5000)) },
  ),
  contentType: fc.oneof({ weight: 10, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') }, { weight: 1, arbitrary: fc.constantFrom('text/plain', '') }),
  key: fc.option(fc.oneof(fc.constantFrom('k-1', 'k-2'), nastyString), { nil: undefined, freq: 2 }),
})

/** A Gate body for the test project with `depth` objects nested under one of its keys. */
function deepBody(depth: number, open = '{"a":', close = '}'): string {
  return `{"general":{"project_id":${TEST_PROJECT.id},"payment_id":"deep","signature":"x"},"payment":${open.repeat(depth)}1${close.repeat(depth)}}`
}

/** A cursor as `/v2/operations/get` hands them out, holding any date string and id. */
function forgedCursor(at: unknown, id: unknown): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url')
}

/** Drops `undefined` members (JSON would) and flattens `extra` into the body. */
function toBody(body: Record<string, unknown>): Record<string, Signable> {
  const { extra, ...rest } = body
  const out = JSON.parse(JSON.stringify({ ...rest, ...(extra as object | undefined) })) as Record<string, Signable>
  return out
}

describe('Gate API fuzz', () => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  const clock = fixedClock()
  beforeAll(async () => {
    sql = await memoryDatabase()
    t = await makeTestApp(sql, { clock })
    // Payments for the follow-ups to find: one sold, one authorised.
    const card = { pan: '4242424242424242', year: 2034, month: 12, cvv: '123' }
    const payment = { amount: 1500, currency: 'EUR' }
    expect((await gate(t.app, '/v2/payment/card/sale', { general: general('fuzz-sold'), payment, card })).status).toBe(200)
    expect((await gate(t.app, '/v2/payment/card/auth', { general: general('fuzz-authorised'), payment, card })).status).toBe(200)
  })
  afterAll(() => sql.close())

  const counts = async () =>
    (await sql.query<{ p: number; o: number }>('SELECT (SELECT count(*)::int FROM payments) AS p, (SELECT count(*)::int FROM operations) AS o'))[0]!

  it(`answers ${RUNS} random Gate requests without a 500 or a leak, and writes nothing when it refuses`, { timeout: 120_000 }, async () => {
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        clock.advance(1_000)
        const body = toBody(r.body)
        let text: string
        if (r.raw !== undefined) {
          text = r.raw
        } else if (r.signing === 'none') {
          text = JSON.stringify(body)
        } else {
          const secret = r.signing === 'wrong_secret' ? 'not-the-secret' : TEST_PROJECT.secret
          const generalPart = typeof body['general'] === 'object' && body['general'] !== null && !Array.isArray(body['general']) ? body['general'] : {}
          const signed = { ...body, general: { ...generalPart, signature: sign(body, secret) } }
          if (r.signing === 'tampered') (signed as Record<string, Signable>)['tampered'] = 'x'
          text = JSON.stringify(signed)
        }
        // A NUL in a stored string fails in PostgreSQL (500): the open bug shown in its own test below.
        fc.pre(!text.includes('\\u0000'))
        const headers: Record<string, string> = {}
        if (r.contentType) headers['content-type'] = r.contentType
        if (r.key !== undefined) headers['idempotency-key'] = r.key.replace(/[^\x20-\x7e]/g, '?')
        const before = await counts()
        const response = await t.app.request(r.path, { method: 'POST', headers, body: text })
        const answer = await response.text()
        const after = await counts()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)

        expect(response.status).toBeLessThan(500)
        expect(leakIn(answer)).toBeUndefined()
        if (response.status >= 400) {
          expect(v.safeParse(GateErrorSchema, JSON.parse(answer)).success).toBe(true)
          if (response.headers.get('idempotent-replayed') !== 'true') expect(after).toEqual(before)
        } else {
          expect(after.p - before.p).toBeLessThanOrEqual(1)
          expect(after.o - before.o).toBeLessThanOrEqual(1)
        }
      }),
      { seed: Number(process.env['FUZZ_SEED'] ?? 0x6a_7e), numRuns: RUNS },
    )
    console.log(`[fuzz Gate] ${RUNS} cases by status: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`)
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 40)
    expect(t.logs.join('\n')).not.toContain('4242424242424242')
  })

  // Issue 9 item 6: the string to sign, the control-character check and the schemas recurse;
  // a body nested 5 000 deep overflowed the stack (500) before the signature was checked.
  it('answers a body nested thousands of levels deep with 400 on every Gate route, before the signature', async () => {
    const shapes = [['{"a":', '}'], ['[', ']'], ['{"a":[', ']}']] as const
    for (const path of ROUTES) {
      for (const [open, close] of shapes) {
        for (const depth of [33, 5000]) {
          const response = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepBody(depth, open, close) })
          const answer = await response.text()
          expect(response.status, `${path} ${open} x ${depth}`).toBe(400)
          expect(v.safeParse(GateErrorSchema, JSON.parse(answer)).success).toBe(true)
        }
      }
    }
    // Legitimate bodies nest a few levels; 32 still passes the depth check (then fails the signature).
    const shallow = await t.app.request('/v2/payment/status', { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepBody(30) })
    expect(((await shallow.json()) as { code?: string }).code).toBe('invalid_signature')
  })

  it('answers random nesting depths and bracket mixes without a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ROUTES), fc.integer({ min: 1, max: 6000 }), fc.constantFrom('{"k":', '[', '[{"k":', '{"k":[1,'), async (path, depth, open) => {
        const close = open.replace(/"k":|1,/g, '').split('').reverse().map((c) => (c === '{' ? '}' : ']')).join('')
        const response = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: deepBody(depth, open, close) })
        expect(response.status).toBeLessThan(500)
      }),
      { seed: Number(process.env['FUZZ_SEED'] ?? 0x6a_7f), numRuns: 150 },
    )
  })

  // Issue 9 item 6: a forged cursor whose date JavaScript accepts but PostgreSQL does not
  // (year 275760, -271821, 0) failed the query with a 500.
  it('answers forged operations/get cursors, out-of-range dates and ids included, with 200 or 400, never a 500', async () => {
    const dates = fc.oneof(
      fc.constantFrom('+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00.000Z', '-000001-01-01T00:00:00.000Z', '9999-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z', '2030-01-15T10:00:00.000Z', '2030-02-30T00:00:00.000Z'),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc.integer(), nastyString,
    )
    const ids = fc.oneof(fc.integer(), fc.constantFrom(-1, 2 ** 53, 2 ** 63, 1e308, 0.5, '1', null))
    const statuses = new Set<number>()
    await fc.assert(
      fc.asyncProperty(dates, ids, async (at, id) => {
        const response = await gate(t.app, '/v2/operations/get', { general: general(), cursor: forgedCursor(at, id) })
        statuses.add(response.status)
        expect(response.status).toBeLessThan(500)
        if (response.status !== 200) expect(response.body['code'] ?? response.body['status']).toBeDefined()
      }),
      { seed: Number(process.env['FUZZ_SEED'] ?? 0x6a_80), numRuns: 300 },
    )
    for (const at of ['+275760-09-13T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '0000-01-01T00:00:00.000Z']) {
      const response = await gate(t.app, '/v2/operations/get', { general: general(), cursor: forgedCursor(at, 1) })
      expect(response.status, at).toBe(400)
      expect(response.body).toMatchObject({ status: 'error' })
    }
    expect(statuses.has(200)).toBe(true)
  })

  // Control characters (NUL above all: PostgreSQL cannot store it) are refused where input is read.
  it('refuses a NUL character in a signed Gate field with a 4xx instead of a 500', async () => {
    const body = { general: general('gate-nul'), payment: { amount: 1500, currency: 'EUR', description: 'a\u0000b' }, card: { pan: '4242424242424242', year: 2034, month: 12, cvv: '123' } }
    expect((await gate(t.app, '/v2/payment/card/sale', body)).status).toBe(400)
  })
})
