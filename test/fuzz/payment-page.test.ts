import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isCurrency } from '../../protocol/money.ts'
import { sign } from '../../server/signature/signature.ts'
import type { Sql } from '../../server/storage/sql.ts'
import { TEST_PROJECT, fixedClock, makeTestApp, signedQuery } from '../fixtures/test-app.ts'
import { leakIn, nastyString, queryMutation } from './fuzz-inputs.ts'
import { memoryDatabase } from '../fixtures/databases.ts'
import { fuzzRuns } from './runs.ts'

// `GET|POST /payment` with random and malformed input (SPEC §4, §12): never a 500, never a stack
// trace or a source path in the body, and never a payment row from input the page refused. Most
// cases are signed with the project's secret, so they get past the signature to the field checks.

const RUNS = fuzzRuns(700)
/** Values each optional parameter takes when valid; the fuzzer mixes them with hostile ones. */
const VALID: Record<string, fc.Arbitrary<string>> = {
  payment_description: fc.string({ maxLength: 60 }),
  customer_id: fc.constantFrom('c-1', 'customer 2', 'й'),
  customer_email: fc.constant('a@example.com'),
  language_code: fc.constantFrom('en', 'ru', 'de', 'xx'),
  operation_type: fc.constantFrom('sale', 'auth'),
  card_operation_type: fc.constantFrom('sale', 'auth'),
  mode: fc.constant('purchase'),
  force_payment_method: fc.constantFrom('card', 'jeton', 'CARD'),
  best_before: fc.constantFrom('2031-01-01T00:00:00Z', '2030-01-15T10:05:00+00:00'),
  merchant_success_url: fc.constantFrom('https://shop.example/ok', 'https://shop.example/ok?x=1'),
  merchant_fail_url: fc.constant('https://shop.example/fail'),
  merchant_return_url: fc.constant('https://shop.example/back'),
  redirect_success_url: fc.constant('https://shop.example/done'),
  redirect_fail_url: fc.constant('https://shop.example/failed'),
  merchant_callback_url: fc.constantFrom('https://merchant.example/cb', 'http://127.0.0.1:9/cb'),
  recurring_register: fc.constantFrom('1', '0', 'true', 'false'),
  redirect_success_mode: fc.constantFrom('parent_page', 'iframe'),
  theme: fc.constantFrom('{"accent":"#0a7d5a"}', '{"radius":8,"font":"serif"}'),
  frame_mode: fc.constantFrom('iframe', 'popup'),
  _referrer: fc.constantFrom('https://shop.example/cart', 'https://evil.example/'),
  _guid: fc.constantFrom('abc-123', 'x'.repeat(80)),
  close_on_missclick: fc.constantFrom('1', '0'),
  unknown_param: fc.string({ maxLength: 20 }),
  __proto__: fc.constant('x'),
  constructor: fc.constant('x'),
}
const KEYS = Object.keys(VALID)
const value = (valid: fc.Arbitrary<string>) => fc.oneof({ weight: 4, arbitrary: valid }, { weight: 1, arbitrary: nastyString })

const requestArb = fc.record({
  paymentId: value(fc.uuid()),
  projectId: value(fc.constant(String(TEST_PROJECT.id))),
  amount: value(fc.integer({ min: 1, max: 1_000_000_000 }).map(String)),
  currency: value(fc.constantFrom('EUR', 'USD', 'JPY', 'KWD', 'eur')),
  extras: fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 3 }).chain((keys) =>
    fc.tuple(...keys.map((k) => value(VALID[k]!).map((v) => [k, v] as const))).map((pairs) => pairs)),
  drop: fc.oneof({ weight: 5, arbitrary: fc.constant<string[]>([]) }, { weight: 1, arbitrary: fc.subarray(['project_id', 'payment_id', 'payment_amount', 'payment_currency'], { minLength: 1, maxLength: 2 }) }),
  signing: fc.constantFrom('valid', 'valid', 'valid', 'valid', 'valid', 'valid', 'none', 'garbage', 'wrong_secret', 'tampered'),
  mutate: fc.oneof({ weight: 4, arbitrary: fc.constant((q: string) => q) }, { weight: 1, arbitrary: queryMutation }),
  method: fc.constantFrom('GET', 'GET', 'POST'),
  contentType: fc.constantFrom('application/x-www-form-urlencoded', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=utf-8', 'application/json', 'text/plain', ''),
})

describe('GET|POST /payment fuzz', () => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await memoryDatabase()
    t = await makeTestApp(sql, { clock: fixedClock() })
  })
  afterAll(() => sql.close())

  const count = async () => (await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM payments'))[0]!.n

  it(`answers ${RUNS} random requests without a 500 or a leak, and stores a payment only from valid signed input`, { timeout: 120_000 }, async () => {
    let opened = 0
    await fc.assert(
      fc.asyncProperty(requestArb, async (r) => {
        const pairs: Array<[string, string]> = [
          ['project_id', r.projectId], ['payment_id', r.paymentId], ['payment_amount', r.amount], ['payment_currency', r.currency],
          ...r.extras,
        ].filter(([k]) => !r.drop.includes(k)) as Array<[string, string]>
        // Signed as the merchant's SDK would sign this exact set (a repeated key signs its last value).
        const params: Record<string, string> = Object.create(null)
        for (const [k, v] of pairs) params[k] = v
        if (r.signing !== 'none') {
          const secret = r.signing === 'wrong_secret' ? 'not-the-secret' : TEST_PROJECT.secret
          const signature = r.signing === 'garbage' ? 'AAAA' : sign(params, secret)
          pairs.push(['signature', signature])
          if (r.signing === 'tampered' && pairs[0]) pairs[0] = [pairs[0][0], `${pairs[0][1]}x`]
        }
        const query = r.mutate(new URLSearchParams(pairs).toString())
        // A NUL reaches PostgreSQL and fails there (500): the open bug shown in its own test below.
        fc.pre(!decodesToNul(query))
        const before = await count()
        const response =
          r.method === 'GET'
            ? await t.app.request(`/payment?${query}`)
            : await t.app.request('/payment', { method: 'POST', body: query, headers: r.contentType ? { 'content-type': r.contentType } : {} })
        const body = await response.text()
        const after = await count()

        expect(response.status).toBeLessThan(500)
        expect(leakIn(body)).toBeUndefined()
        if (response.status !== 200) {
          expect(after).toBe(before)
          return
        }
        // Served: the request must have been a correctly signed, valid one, and the stored
        // payment must be exactly what was signed (never more than one new row).
        opened++
        expect(after - before).toBeLessThanOrEqual(1)
        const sent = new URLSearchParams(query)
        expect(r.signing).toBe('valid')
        const amount = sent.get('payment_amount') ?? ''
        expect(amount).toMatch(/^[1-9]\d{0,15}$/)
        expect(isCurrency((sent.get('payment_currency') ?? '').toUpperCase())).toBe(true)
        const [row] = await sql.query<{ amount: unknown; currency: string }>(
          'SELECT amount, currency FROM payments WHERE project_id = $1 AND payment_id = $2', [TEST_PROJECT.id, sent.get('payment_id')])
        expect(row).toBeDefined()
        expect(Number(row!.amount)).toBe(Number(amount))
        expect(row!.currency).toBe(sent.get('payment_currency')!.toUpperCase())
      }),
      { seed: Number(process.env['FUZZ_SEED'] ?? 0x9a_4e), numRuns: RUNS },
    )
    console.log(`[fuzz /payment] ${RUNS} cases, ${opened} served a page, ${await count()} payments stored`)
    expect(opened).toBeGreaterThan(RUNS / 10)
  })

  // Control characters (NUL above all: PostgreSQL cannot store it) are refused where input is read.
  it('refuses a signed parameter holding a NUL character with a 4xx instead of a 500', async () => {
    const params = { project_id: TEST_PROJECT.id, payment_id: 'nul-1', payment_amount: 1000, payment_currency: 'EUR', customer_id: 'a\u0000b' }
    const response = await t.app.request(`/payment?${signedQuery(params)}`)
    expect(response.status).toBe(400)
  })

  it('refuses an oversized body with 413 and stores nothing', async () => {
    const before = await count()
    const response = await t.app.request('/payment', {
      method: 'POST', body: `payment_description=${'x'.repeat(70 * 1024)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(response.status).toBe(413)
    expect(leakIn(await response.text())).toBeUndefined()
    expect(await count()).toBe(before)
  })
})

/** Whether the query string carries a NUL character once decoded. */
function decodesToNul(query: string): boolean {
  return [...new URLSearchParams(query)].some(([k, v]) => k.includes('\u0000') || v.includes('\u0000'))
}
