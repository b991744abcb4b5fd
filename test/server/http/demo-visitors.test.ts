import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_PROJECT_ID } from '../../../server/bootstrap.ts'
import { sign } from '../../../server/signature/signature.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { makeTestApp, tokenFrom } from '../../fixtures/test-app.ts'

type Signed = Record<string, string | number | boolean> & { payment_id: string; customer_id: string; signature: string }

// Issue 9 item 3: the public demo is one server shared by strangers. Each visitor signs with
// their own customer id and sees only the callbacks of their own payments.
describe.each(testDatabases())('the demo shop\'s visitors on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  let secret: string
  beforeAll(async () => {
    sql = await db.open()
    t = await makeTestApp(sql, { env: { EPAY_DEMO: '1', PUBLIC_URL: 'http://localhost:8080' } })
    secret = (await t.deps.projects.get(DEMO_PROJECT_ID))!.secrets[0]!
  })
  afterAll(() => sql.close())

  /** A browser: keeps the cookie the demo gives it. */
  function visitor() {
    let cookie = ''
    const request = async (path: string, init: RequestInit = {}) => {
      const response = await t.app.request(`http://localhost:8080${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}) } })
      const set = response.headers.get('set-cookie')
      if (set) cookie = set.split(';')[0]!
      return response
    }
    return {
      request,
      cookie: () => cookie,
      sign: async (): Promise<Signed> => {
        const response = await request('/demo/sign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ amount: 1999, currency: 'EUR' }) })
        expect(response.status).toBe(200)
        return (await response.json()) as Signed
      },
      callbacks: async () => (await (await request('/demo/callbacks')).json()) as { body: { payment: { id: string } } }[],
    }
  }

  /** The callback EPay would send for a payment, signed with the demo project's secret. */
  async function deliverCallback(paymentId: string, customerId: string) {
    const body = { project_id: DEMO_PROJECT_ID, payment: { id: paymentId, status: 'success' }, customer: { id: customerId }, account: { token: `tok_${paymentId}` } }
    const response = await t.app.request('http://localhost:8080/demo/callbacks', {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...body, signature: sign(body, secret) }),
    })
    expect(response.status).toBe(200)
  }

  it('gives each visitor an HttpOnly cookie, their own customer id, and payment ids that name neither the cookie nor another visitor', async () => {
    const alice = visitor()
    const bob = visitor()
    const a1 = await alice.sign()
    const a2 = await alice.sign()
    const b1 = await bob.sign()
    expect(alice.cookie()).toMatch(/^epay_demo_visitor=/)
    expect(a1.customer_id).toBe(a2.customer_id)
    expect(a1.customer_id).not.toBe(b1.customer_id)
    expect(a1.customer_id).not.toBe('demo_customer')
    const cookieValue = alice.cookie().split('=')[1]!
    expect(JSON.stringify(a1)).not.toContain(cookieValue)
    expect(a1.payment_id).not.toBe(a2.payment_id)
    // Every signed order leads back to the shop: no dead end after the result.
    expect(new URL(a1['merchant_return_url'] as string).searchParams.get('order')).toBe(a1.payment_id)
  })

  it('shows a visitor only the callbacks of their own payments', async () => {
    const alice = visitor()
    const bob = visitor()
    const a = await alice.sign()
    const b = await bob.sign()
    await deliverCallback(a.payment_id, a.customer_id)
    await deliverCallback(b.payment_id, b.customer_id)
    await deliverCallback('order-from-elsewhere', 'someone')
    expect((await alice.callbacks()).map((c) => c.body.payment.id)).toEqual([a.payment_id])
    expect((await bob.callbacks()).map((c) => c.body.payment.id)).toEqual([b.payment_id])
    const stranger = await t.app.request('http://localhost:8080/demo/callbacks')
    expect(await stranger.json()).toEqual([])
    const forged = await t.app.request('http://localhost:8080/demo/callbacks', { headers: { cookie: 'epay_demo_visitor=not-a-real-visitor-cookie-value' } })
    expect(await forged.json()).toEqual([])
  })

  it('never shows one visitor the card another saved, nor lets them delete it', async () => {
    const alice = visitor()
    const bob = visitor()
    const open = async (params: Signed) => {
      const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
      const response = await t.app.request(`http://localhost:8080/payment?${query}`)
      expect(response.status).toBe(200)
      const token = tokenFrom(await response.text())
      const api = (path: string, init: RequestInit = {}) =>
        t.app.request(`http://localhost:8080/api/page/${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } })
      const session = (await (await api('session')).json()) as { saved_cards: { token: string }[] }
      return { api, cards: session.saved_cards }
    }
    const first = await open(await alice.sign())
    const paid = await first.api('pay', {
      method: 'POST',
      body: JSON.stringify({ method: 'card', card: { pan: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123', holder: 'ALICE' }, save_card: true }),
    })
    expect(((await paid.json()) as { status: string }).status).toBe('success')
    const again = await open(await alice.sign())
    expect(again.cards).toHaveLength(1)
    const bobs = await open(await bob.sign())
    expect(bobs.cards).toEqual([])
    const deleted = await bobs.api(`saved-cards/${again.cards[0]!.token}`, { method: 'DELETE' })
    expect(deleted.status).toBeGreaterThanOrEqual(400)
    expect((await open(await alice.sign())).cards).toHaveLength(1)
  })
})
