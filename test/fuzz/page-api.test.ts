import fc from 'fast-check'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorEnvelopeSchema } from '../../protocol/errors.ts'
import { signReturnToken } from '../../server/session/return-token.ts'
import { signSession } from '../../server/session/session.ts'
import type { Sql } from '../../server/storage/sql.ts'
import { fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../fixtures/test-app.ts'
import { leakIn, nastyString } from './fuzz-inputs.ts'
import { memoryDatabase } from '../fixtures/databases.ts'
import { fuzzRuns } from './runs.ts'

// The hosted page's API (`/api/page/…`, SPEC §5, §12) with random and malformed sessions, bodies,
// content types, methods and paths: never a 500, never a leak, every JSON error in the one
// envelope, and nothing written (no payment, no operation) by a request that was refused.

const RUNS = fuzzRuns(500)
const PANS = ['4242424242424242', '4000000000000002', '4000000000003220', '4000000000000119', '5555555555554444', '4242424242424241']

/** Percent-encodes a path segment; a lone surrogate becomes the invalid UTF-8 it would be on the wire. */
const encodePath = (s: string) => {
  try {
    return encodeURIComponent(s)
  } catch {
    return '%ED%A0%80'
  }
}
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const cardArb = fc.record({
  pan: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PANS) }, { weight: 1, arbitrary: nastyString }, { weight: 1, arbitrary: fc.integer().map(String) }),
  exp_month: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.jsonValue() }),
  exp_year: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 2020, max: 2040 }) }, { weight: 1, arbitrary: fc.double() }),
  cvc: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('123', '0000') }, { weight: 1, arbitrary: nastyString }),
  holder: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('JANE DOE', ' A ') }, { weight: 1, arbitrary: nastyString }),
})
const bodyArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ method: fc.constant('card'), card: cardArb, save_card: fc.boolean() }, { requiredKeys: ['method', 'card'] }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('card'), card: fc.subarray(['pan', 'exp_month', 'cvc']).chain((drop) => cardArb.map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => !drop.includes(k))))) }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.constant(JSON.stringify({ method: 'jeton' })) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('saved_card'), token: nastyString, cvc: fc.constantFrom('123', '12') }).map((b) => JSON.stringify(b)) },
  { weight: 2, arbitrary: fc.jsonValue().map((j) => JSON.stringify(j)) },
  { weight: 1, arbitrary: fc.constantFrom('{', '{"method":', 'null', '[]', '"x"', '1e999', '{"method":"card","card":{"__proto__":{"pan":"4242424242424242"}}}',
    `${'['.repeat(5000)}${']'.repeat(5000)}`, '{"method":"card","method":"jeton"}', 'x'.repeat(70 * 1024)) },
  { weight: 1, arbitrary: nastyString },
)
const authArb = fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'missing', 'garbage', 'flipped', 'alg_none', 'other_key', 'expired', 'return_token', 'basic')
const requestArb = fc.oneof(
  { weight: 6, arbitrary: fc.record({ method: fc.constant('POST'), path: fc.constant('/api/page/pay'), body: bodyArb }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/api/page/session', '/api/page/status'), body: fc.constant(undefined) }) },
  { weight: 1, arbitrary: fc.record({ method: fc.constant('DELETE'), path: nastyString.map((t) => `/api/page/saved-cards/${encodePath(t)}`), body: fc.constant(undefined) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
      path: fc.oneof(fc.constantFrom('/api/page/pay', '/api/page/session', '/api/page/', '/api/page/pay/x', '/api/page/../payment'), nastyString.map((s) => `/api/page/${encodePath(s)}`)),
      body: fc.option(bodyArb, { nil: undefined }),
    }),
  },
)

describe('/api/page fuzz', () => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  const clock = fixedClock()
  beforeAll(async () => {
    sql = await memoryDatabase()
    t = await makeTestApp(sql, { clock })
  })
  afterAll(() => sql.close())

  const counts = async () =>
    (await sql.query<{ p: number; o: number }>('SELECT (SELECT count(*)::int FROM payments) AS p, (SELECT count(*)::int FROM operations) AS o'))[0]!

  async function authorization(kind: string, token: string, paymentRowId: string): Promise<string | undefined> {
    const [header, payload] = token.split('.')
    switch (kind) {
      case 'valid': return `Bearer ${token}`
      case 'missing': return undefined
      case 'garbage': return `Bearer ${token.slice(0, 20)}`
      case 'flipped': return `Bearer ${token.slice(0, -3)}${token.at(-3) === 'A' ? 'B' : 'A'}${token.slice(-2)}`
      case 'alg_none': return `Bearer ${b64({ ...JSON.parse(Buffer.from(header!, 'base64url').toString()), alg: 'none' })}.${payload}.`
      case 'other_key': return `Bearer ${await signSession([{ kid: 'k1', secret: new Uint8Array(32).fill(7) }], { sessionId: 'ses_x', projectId: 4242, paymentRowId, parentOrigin: undefined, guid: undefined }, clock.now(), 600, undefined)}`
      case 'expired': return `Bearer ${await signSession(t.deps.sessionKeys, { sessionId: 'ses_old', projectId: 4242, paymentRowId, parentOrigin: undefined, guid: undefined }, new Date(clock.now().getTime() - 7_200_000), 600, undefined)}`
      case 'return_token': return `Bearer ${await signReturnToken(t.deps.sessionKeys, { paymentRowId, operationId: 1, parentOrigin: undefined, guid: undefined }, clock.now())}`
      default: return `Basic ${token}`
    }
  }

  it(`answers ${RUNS} random page API requests without a 500 or a leak, and writes nothing when it refuses`, { timeout: 120_000 }, async () => {
    const statuses = new Map<number, number>()
    await fc.assert(
      fc.asyncProperty(requestArb, authArb, fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', '', 'application/jsonx'), fc.boolean(), async (r, auth, type, customer) => {
        // A NUL in the holder fails in PostgreSQL (500): the open bug shown in its own test below.
        fc.pre(!(r.body ?? '').includes('\\u0000'))
        // A fresh payment and session each case; the clock moves past the per-minute card limits.
        clock.advance(61_000)
        const opened = await t.app.request(`/payment?${signedQuery(paymentParams(customer ? { customer_id: 'fuzz-customer' } : {}))}`)
        const token = tokenFrom(await opened.text())
        const paymentRowId = (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { pay: string }).pay
        const header = await authorization(auth, token, paymentRowId)
        const headers: Record<string, string> = {}
        if (header !== undefined) headers['authorization'] = header
        if (type) headers['content-type'] = type
        const before = await counts()
        const response = await t.app.request(r.path, { method: r.method, headers, ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { body: r.body } : {}) })
        const text = await response.text()
        const after = await counts()
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)

        expect(response.status).toBeLessThan(500)
        expect(leakIn(text)).toBeUndefined()
        if (response.status >= 400) {
          expect(after).toEqual(before)
          if (r.method !== 'HEAD' && (response.headers.get('content-type') ?? '').startsWith('application/json')) {
            expect(v.safeParse(ErrorEnvelopeSchema, JSON.parse(text)).success).toBe(true)
          }
        } else {
          expect(after.p).toBe(before.p)
          expect(after.o - before.o).toBeLessThanOrEqual(1)
        }
      }),
      { seed: Number(process.env['FUZZ_SEED'] ?? 0x9a_9e), numRuns: RUNS },
    )
    console.log(`[fuzz /api/page] ${RUNS} cases by status: ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`)
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 10)
    // Card data never reaches the logs, whatever was sent.
    for (const pan of PANS) expect(t.logs.join('\n')).not.toContain(pan)
  })

  // Control characters (NUL above all: PostgreSQL cannot store it) are refused where input is read.
  it('refuses a card holder holding a NUL character with a 4xx instead of a 500 after the charge', async () => {
    const token = tokenFrom(await (await t.app.request(`/payment?${signedQuery(paymentParams({ customer_id: 'nul-customer' }))}`)).text())
    clock.advance(61_000)
    const response = await t.app.request('/api/page/pay', {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'card', save_card: true, card: { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'A\u0000B' } }),
    })
    expect(response.status).toBe(400)
  })
})
