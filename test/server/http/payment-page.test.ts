import { createRequire } from 'node:module'
import * as v from 'valibot'
import { SessionViewSchema } from '../../../protocol/schemas/page-api.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../../server/signature/signature.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { TEST_PROJECT, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'
import { sdkQuery } from '../../fixtures/sdk-writers.ts'

// The official ECommPay JS SDK (npm `ecommpay`), used unchanged as a merchant would.
const { Payment } = createRequire(import.meta.url)('ecommpay') as {
  Payment: new (projectId: string, secret: string, params?: Record<string, unknown>, baseUrl?: string) => { getUrl(): string }
}

describe.each(testDatabases())('GET|POST /payment on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    t = await makeTestApp(sql)
  })
  afterAll(() => sql.close())

  const paymentCount = async () => Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM payments'))[0]!.n)
  const open = (query: URLSearchParams | string) => t.app.request(`/payment?${query.toString()}`)
  const expectError = async (response: Response, status: number, code: string) => {
    expect(response.status).toBe(status)
    const html = await response.text()
    expect(html).toContain(`data-error-code="${code}"`)
    expect(html).not.toMatch(/at .*\.ts:\d+/)
    return html
  }

  it('opens the page for a URL built by the SDK algorithm, with a session and a strict CSP', async () => {
    const response = await open(signedQuery(paymentParams({ payment_description: 'Order #1 & more', customer_id: 'c1' })))
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(tokenFrom(html)).toMatch(/^ey/)
    // The session view rides in the boot block, so the page needs no round trip before painting.
    const boot = JSON.parse(/id="epay-boot">(.*?)<\/script>/s.exec(html)![1]!) as { session: unknown }
    expect(v.parse(SessionViewSchema, boot.session)).toMatchObject({ payment: { amount: 1000, description: 'Order #1 & more' }, state: { status: 'new' } })
    const csp = response.headers.get('content-security-policy')!
    expect(csp).toContain("default-src 'none'")
    expect(csp).toContain(`frame-ancestors ${TEST_PROJECT.origin}`)
    const nonce = /'nonce-([^']+)'/.exec(csp)![1]!
    expect(html).toContain(`<script nonce="${nonce}" type="module"`)
    expect(response.headers.get('cache-control')).toBe('no-store')
  })

  it('opens the page for project 112 from a URL the official ECommPay SDK built', async () => {
    if (!(await t.deps.projects.get(112))) await t.deps.projects.add({ id: 112, name: 'Demo', secret: 'sdk-secret-112', allowedOrigins: [] })
    // Fields set as a merchant does, through the SDK's camelCase properties.
    const payment = Object.assign(new Payment('112', 'sdk-secret-112', {}, 'https://epay.test'), {
      paymentId: 'sdk-order-1', paymentAmount: 1000, paymentCurrency: 'EUR', paymentDescription: 'Coffee & cake',
      customerId: 'c-1', languageCode: 'en', recurringRegister: true,
    })
    const url = new URL(payment.getUrl())
    expect(url.searchParams.get('recurring_register')).toBe('true')
    const response = await t.app.request(`/payment${url.search}`)
    expect(response.status).toBe(200)
    expect(tokenFrom(await response.text())).toMatch(/^ey/)
    const tampered = new URL(url)
    tampered.searchParams.set('payment_amount', '1')
    await expectError(await t.app.request(`/payment${tampered.search}`), 403, 'invalid_signature')
    const wrongSecret = new URL(Object.assign(new Payment('112', 'not-the-secret'), { paymentId: 'sdk-order-2', paymentAmount: 1000, paymentCurrency: 'EUR' }).getUrl())
    await expectError(await t.app.request(`/payment${wrongSecret.search}`), 403, 'invalid_signature')
  })

  it('accepts a signed form POST, as the widget sends for long parameter sets', async () => {
    const response = await t.app.request('/payment', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: signedQuery(paymentParams()).toString(),
    })
    expect(response.status).toBe(200)
  })

  it('verifies booleans sent as true/false against the 1/0 the SDKs sign', async () => {
    const params = paymentParams({ recurring_register: true })
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
    query.set('signature', sign(params, TEST_PROJECT.secret))
    expect(query.get('recurring_register')).toBe('true')
    expect((await open(query)).status).toBe(200)
  })

  it('ignores unsigned _ keys and frame_mode added by the embed script', async () => {
    const query = signedQuery(paymentParams())
    query.set('frame_mode', 'popup')
    query.set('_referrer', TEST_PROJECT.origin)
    query.set('_guid', 'g1')
    expect((await open(query)).status).toBe(200)
  })

  it('verifies a merchant _ key the SDK signed; refuses one added unsigned or changed (issue 10 item 1)', async () => {
    const params = paymentParams({ _order_ref: 'r-1' })
    expect((await open(signedQuery(params))).status).toBe(200)
    const changed = signedQuery({ ...params, payment_id: `${params.payment_id}-b` })
    changed.set('_order_ref', 'r-2')
    await expectError(await open(changed), 403, 'invalid_signature')
    const added = signedQuery(paymentParams())
    added.set('_order_ref', 'r-1')
    await expectError(await open(added), 403, 'invalid_signature')
    // Only the embed script's own keys may come unsigned.
    const embed = signedQuery(paymentParams())
    for (const [k, value] of [['_referrer', TEST_PROJECT.origin], ['_sw', '1280'], ['_sh', '800'], ['_guid', 'g2']]) embed.set(k!, value!)
    expect((await open(embed)).status).toBe(200)
  })

  it.each(['js', 'python', 'go'] as const)('verifies null as the %s SDK writes it in the URL (signed empty)', async (sdk) => {
    const query = sdkQuery(sdk, { ...paymentParams(), customer_email: null, customer_id: 'c-null' }, TEST_PROJECT.secret)
    expect(new URLSearchParams(query).get('customer_email')).toBe({ js: 'null', python: 'None', go: '' }[sdk])
    expect((await open(query)).status).toBe(200)
    await expectError(await open(query.replace('customer_id=c-null', 'customer_id=c-other')), 403, 'invalid_signature')
  })

  it.each(['card_verify', 'card_tokenize', 'payout'])('refuses mode=%s with validation_failed and creates nothing; mode=purchase opens', async (mode) => {
    const before = await paymentCount()
    await expectError(await open(signedQuery(paymentParams({ mode }))), 400, 'validation_failed')
    expect(await paymentCount()).toBe(before)
    expect((await open(signedQuery(paymentParams({ mode: 'purchase' })))).status).toBe(200)
  })

  it('reopens the same payment for the same signed link', async () => {
    const params = paymentParams()
    const before = await paymentCount()
    await open(signedQuery(params))
    await open(signedQuery(params))
    expect(await paymentCount()).toBe(before + 1)
  })

  it('refuses the same payment id with another amount', async () => {
    const params = paymentParams()
    await open(signedQuery(params))
    await expectError(await open(signedQuery({ ...params, payment_amount: 2000 })), 400, 'payment_mismatch')
  })

  describe('refuses bad input with a localised error page and creates no payment', () => {
    const cases: Array<[string, () => URLSearchParams | string, number, string]> = [
      ['a tampered amount', () => { const q = signedQuery(paymentParams()); q.set('payment_amount', '1'); return q }, 403, 'invalid_signature'],
      ['a tampered description', () => { const q = signedQuery(paymentParams({ payment_description: 'a' })); q.set('payment_description', 'b'); return q }, 403, 'invalid_signature'],
      ['an added signed parameter', () => { const q = signedQuery(paymentParams()); q.set('merchant_callback_url', 'https://evil.example/'); return q }, 403, 'invalid_signature'],
      ['a wrong secret', () => signedQuery(paymentParams(), 'not-the-secret'), 403, 'invalid_signature'],
      ['no signature', () => { const q = signedQuery(paymentParams()); q.delete('signature'); return q }, 403, 'invalid_signature'],
      ['a ; in a value', () => signedQuery(paymentParams({ payment_description: 'a;b' })), 400, 'forbidden_character'],
      ['a duplicated parameter', () => signedQuery(paymentParams()).toString() + '&payment_amount=1000', 400, 'duplicate_parameter'],
      ['an unknown project', () => signedQuery(paymentParams({ project_id: 999999 })), 403, 'unknown_project'],
      ['a decimal amount', () => signedQuery(paymentParams({ payment_amount: '10.50' })), 400, 'invalid_amount'],
      ['a negative amount', () => signedQuery(paymentParams({ payment_amount: -5 })), 400, 'invalid_amount'],
      ['an unknown currency', () => signedQuery(paymentParams({ payment_currency: 'XXX' })), 400, 'invalid_currency'],
      ['a missing payment id', () => { const p: Record<string, string | number> = paymentParams(); delete p['payment_id']; return signedQuery(p) }, 400, 'validation_failed'],
      ['a return URL off the project list', () => signedQuery(paymentParams({ merchant_success_url: 'https://shop.example@evil.example/' })), 400, 'return_url_not_allowed'],
      ['a javascript: return URL', () => signedQuery(paymentParams({ merchant_return_url: 'javascript:alert(1)' })), 400, 'return_url_not_allowed'],
      ['an expired best_before', () => signedQuery(paymentParams({ best_before: '2001-01-01T00:00:00+00:00' })), 400, 'payment_expired'],
    ]
    it.each(cases)('%s', async (_name, query, status, code) => {
      const before = await paymentCount()
      await expectError(await open(query()), status, code)
      expect(await paymentCount()).toBe(before)
    })
  })

  it('shows the error page in Russian when asked', async () => {
    const query = signedQuery(paymentParams({ language_code: 'ru' }), 'wrong')
    const html = await expectError(await open(query), 403, 'invalid_signature')
    expect(html).toContain('lang="ru"')
    expect(html).toContain('Код ошибки')
  })
})
