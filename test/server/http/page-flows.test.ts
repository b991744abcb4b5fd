import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PaymentStateSchema, SessionViewSchema, type PaymentState } from '../../../protocol/schemas/page-api.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'
import { fragmentToken, locationOf, passChallenge, passWallet, pathOf } from '../../fixtures/sim-browser.ts'

const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }
const THREE_DS = { ...CARD, pan: '4000000000003220' }
const TIMEOUT = { ...CARD, pan: '4000000000000119' }

describe.each(testDatabases())('page flows on $name: 3-D Secure, wallet, timeout, saved cards, expiry', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  const clock = fixedClock()
  beforeAll(async () => {
    sql = await db.open()
    t = await makeTestApp(sql, { clock })
  })
  afterAll(() => sql.close())

  const open = async (overrides: Record<string, string | number | boolean> = {}) => {
    const response = await t.app.request(`/payment?${signedQuery(paymentParams(overrides))}`)
    expect(response.status).toBe(200)
    return tokenFrom(await response.text())
  }
  const call = (token: string, path: string, init: { method?: string; body?: unknown } = {}) =>
    t.app.request(`/api/page/${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${token}`, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    })
  const pay = async (token: string, body: unknown): Promise<PaymentState> => {
    const response = await call(token, 'pay', { body })
    expect(response.status).toBe(200)
    return v.parse(PaymentStateSchema, await response.json())
  }
  const form = (data: Record<string, string>) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(data).toString(),
  })
  const outbox = async (operation: string) =>
    Number((await sql.query<{ n: string }>(`SELECT count(*) AS n FROM callback_outbox WHERE operation_id = $1`, [operation]))[0]!.n)

  describe('3-D Secure challenge', () => {
    const challenge = async (decision: 'confirm' | 'fail' | 'cancel') => {
      const token = await open()
      const state = await pay(token, { method: 'card', card: THREE_DS })
      expect(state.status).toBe('awaiting 3ds result')
      const redirect = state.redirect_data!
      expect(redirect).toMatchObject({ method: 'POST', url: expect.stringMatching(/\/sim\/acs\/[\w.-]+$/) })
      const { returned, challengePage } = await passChallenge(t.app, redirect, decision)
      expect(challengePage).toContain('Confirm')
      expect(locationOf(returned)).toMatch(/^\/payment\/resume\/\d+#token=/)
      const fresh = fragmentToken(returned)!
      const operation = /resume\/(\d+)/.exec(locationOf(returned))![1]!
      return { status: v.parse(PaymentStateSchema, await (await call(fresh, 'status')).json()), operation }
    }

    it('succeeds when the shopper confirms, with one callback', async () => {
      const { status, operation } = await challenge('confirm')
      expect(status).toMatchObject({ status: 'success', last_attempt: { status: 'success' } })
      expect(status.redirect_data).toBeUndefined()
      expect(await outbox(operation)).toBe(1)
    })

    it('declines a failed challenge and lets the shopper retry', async () => {
      const { status, operation } = await challenge('fail')
      expect(status).toMatchObject({ status: 'decline', attempts_left: 2, last_attempt: { code: '20301' } })
      expect(await outbox(operation)).toBe(1)
    })

    it('declines an abandoned challenge after the limit, by asking the acquirer', async () => {
      const token = await open()
      await pay(token, { method: 'card', card: THREE_DS })
      clock.advance(16 * 60_000)
      expect(await t.jobs.tick()).toBeGreaterThanOrEqual(1)
      const state = v.parse(PaymentStateSchema, await (await call(token, 'status')).json())
      expect(state).toMatchObject({ status: 'decline', last_attempt: { message: '3-D Secure authentication cancelled' } })
    })

    it('refuses an ACS request that would return anywhere but EPay', async () => {
      const token = await open()
      const redirect = (await pay(token, { method: 'card', card: THREE_DS })).redirect_data!
      const response = await t.app.request(pathOf(redirect.url), form({ ...redirect.body, TermUrl: 'https://evil.example/' }))
      expect(response.status).toBe(400)
    })
  })

  describe('Jeton wallet', () => {
    const walletPay = async (amount: number, decision: 'success' | 'decline') => {
      const token = await open({ payment_amount: amount })
      const view = v.parse(SessionViewSchema, await (await call(token, 'session')).json())
      expect(view.methods).toEqual(['card', 'jeton'])
      const state = await pay(token, { method: 'jeton' })
      expect(state.status).toBe('awaiting redirect result')
      const redirect = state.redirect_data!
      expect(redirect.method).toBe('GET')
      const { returned } = await passWallet(t.app, redirect, decision)
      const fresh = fragmentToken(returned)!
      const reference = /resume\/(\d+)/.exec(locationOf(returned))![1]!
      // The shopper is back before the wallet's notification: the page waits, without redirecting again.
      const waiting = v.parse(PaymentStateSchema, await (await call(fresh, 'status')).json())
      const body = JSON.stringify({ reference })
      const notified = await t.app.request('/providers/jeton/notify', {
        method: 'POST', body, headers: { 'content-type': 'application/json', 'x-jeton-signature': t.deps.simulators.jeton.signNotification(body) },
      })
      expect(notified.status).toBe(200)
      const final = v.parse(PaymentStateSchema, await (await call(fresh, 'status')).json())
      return { waiting, final, reference }
    }

    it('succeeds through the wallet page and its notification', async () => {
      const { waiting, final, reference } = await walletPay(1500, 'success')
      expect(['awaiting redirect result', 'success']).toContain(waiting.status)
      expect(waiting.redirect_data).toBeUndefined()
      expect(final.status).toBe('success')
      const [row] = await sql.query<{ payload: string }>('SELECT payload FROM callback_outbox WHERE operation_id = $1', [reference])
      expect(JSON.parse(row!.payload)).toMatchObject({ payment: { method: 'JetonWallet', status: 'success' } })
    })

    it('declines 40000 whatever the shopper clicks', async () => {
      expect((await walletPay(40000, 'success')).final.status).toBe('decline')
    })

    it('carries the wallet account number for 20400', async () => {
      const { reference } = await walletPay(20400, 'success')
      const [row] = await sql.query<{ payload: string }>('SELECT payload FROM callback_outbox WHERE operation_id = $1', [reference])
      expect(JSON.parse(row!.payload)).toMatchObject({ account: { number: expect.stringMatching(/^\d{8}$/) } })
    })

    it('refuses a notification with a bad signature', async () => {
      const response = await t.app.request('/providers/jeton/notify', { method: 'POST', body: '{"reference":"1"}', headers: { 'x-jeton-signature': 'bad' } })
      expect(response.status).toBe(403)
    })

    it('offers only the card where Jeton does not take the currency', async () => {
      const token = await open({ payment_currency: 'CHF' })
      expect(v.parse(SessionViewSchema, await (await call(token, 'session')).json()).methods).toEqual(['card'])
    })
  })

  it('resolves an acquirer timeout by a status query, not by guessing', async () => {
    const token = await open()
    const state = await pay(token, { method: 'card', card: TIMEOUT })
    expect(state.status).toBe('processing')
    expect(await t.jobs.tick()).toBe(0) // too early to ask
    clock.advance(6_000)
    expect(await t.jobs.tick()).toBe(1)
    expect(v.parse(PaymentStateSchema, await (await call(token, 'status')).json()).status).toBe('success')
  })

  describe('saved cards', () => {
    it('saves a card for the customer, pays with it (CVC again) and deletes it; the PAN is stored sealed', async () => {
      const customer = `cust-${Math.random().toString(36).slice(2)}`
      const first = await open({ customer_id: customer })
      const view = v.parse(SessionViewSchema, await (await call(first, 'session')).json())
      expect(view).toMatchObject({ save_card: 'offer', saved_cards: [] })
      expect((await pay(first, { method: 'card', card: CARD, save_card: true })).status).toBe('success')

      const second = await open({ customer_id: customer })
      const cards = v.parse(SessionViewSchema, await (await call(second, 'session')).json()).saved_cards
      expect(cards).toEqual([{ token: expect.stringMatching(/^tok_/), mask: '424242******4242', brand: 'visa', exp_month: 12, exp_year: 2034 }])
      const paid = await pay(second, { method: 'saved_card', token: cards[0]!.token, cvc: '456' })
      expect(paid.status).toBe('success')

      const stored = JSON.stringify(await sql.query('SELECT * FROM card_tokens'))
      expect(stored).not.toContain('4242424242424242')
      expect(stored).not.toMatch(/\b456\b/)

      const other = await open({ customer_id: 'someone-else' })
      const stolen = await call(other, 'pay', { body: { method: 'saved_card', token: cards[0]!.token, cvc: '456' } })
      expect(stolen.status).toBe(400)

      const third = await open({ customer_id: customer })
      const deleted = await call(third, `saved-cards/${cards[0]!.token}`, { method: 'DELETE' })
      expect(await deleted.json()).toEqual({ saved_cards: [] })
    })

    it('saves without asking when recurring_register is signed', async () => {
      const token = await open({ customer_id: 'cust-rr', recurring_register: true })
      expect(v.parse(SessionViewSchema, await (await call(token, 'session')).json()).save_card).toBe('always')
    })
  })

  it('expires an unpaid payment when best_before passes', async () => {
    const bestBefore = new Date(clock.now().getTime() + 60_000).toISOString()
    const params = paymentParams({ best_before: bestBefore })
    const token = tokenFrom(await (await t.app.request(`/payment?${signedQuery(params)}`)).text())
    clock.advance(61_000)
    expect(await t.jobs.tick()).toBeGreaterThanOrEqual(1)
    // The session ends with best_before too, so the page learns it from the session error.
    expect((await call(token, 'status')).status).toBe(401)
    const [row] = await sql.query<{ status: string }>('SELECT status FROM payments WHERE payment_id = $1', [params.payment_id])
    expect(row!.status).toBe('expired')
    const reopened = await t.app.request(`/payment?${signedQuery(params)}`)
    expect(await reopened.text()).toContain('data-error-code="payment_expired"')
  })

  it('applies a signed theme and refuses an unknown theme key', async () => {
    const token = await open({ theme: JSON.stringify({ accent: '#0a7d5a', radius: 8 }) })
    expect(v.parse(SessionViewSchema, await (await call(token, 'session')).json()).theme).toEqual({ accent: '#0a7d5a', radius: 8 })
    const bad = await t.app.request(`/payment?${signedQuery(paymentParams({ theme: '{"css":"body{}"}' }))}`)
    expect(bad.status).toBe(400)
  })
})
