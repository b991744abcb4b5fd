import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { SessionViewSchema } from '../../../protocol/schemas/page-api.ts'
import type { CardOperations, CardRoute, ProviderAnswer } from '../../../server/domain/ports.ts'
import type { LiveConnections } from '../../../server/providers/provider-registry.ts'
import { signSession } from '../../../server/session/session.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { Callback, card, gate, orderId } from '../../fixtures/gate.ts'
import { providerNumber } from '../../../server/domain/callback-payload.ts'
import { TEST_PROJECT, callbackReceiver, fixedClock, makeTestApp, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

const LIVE = { id: 5001, secret: 'live-secret-5001-unconnected' }
const CONNECTED = { id: 5002, secret: 'live-secret-5002-connected' }
const GOES_LIVE = { id: 5003, secret: 'test-secret-5003-goes-live' }
const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }

/**
 * A live connection as issue 14's upstream connector will plug in: through LiveConnections
 * only, for one project and one method. It approves and remembers what it was asked, so the
 * test can see which provider a payment reached.
 */
function testConnection() {
  const asked: string[] = []
  const answer = (reference: string): ProviderAnswer => ({ kind: 'approved', providerId: `up-${reference}` })
  const operations: CardOperations = {
    capture: async (r) => answer(r.reference),
    cancel: async (r) => answer(r.reference),
    refund: async (r) => answer(r.reference),
    payout: async (r) => answer(r.reference),
    status: async () => undefined,
  }
  const route: CardRoute = {
    kind: 'card',
    providerId: 'upstream-test',
    acquirer: {
      async authorise({ reference }) {
        asked.push(reference)
        return { kind: 'approved', providerId: `up-${reference}`, authCode: '777777' }
      },
      status: async () => undefined,
      abandon: async () => undefined,
    },
    operations,
  }
  const live: LiveConnections = {
    route: async (projectId, method) => (projectId === CONNECTED.id && method === 'card' ? route : undefined),
    methods: async (projectId) => (projectId === CONNECTED.id ? ['card'] : []),
  }
  return { live, asked }
}

/** @see issue 9, item 1: "Live" is real or refused; test and live never mix. */
describe.each(testDatabases())('live and test projects on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  let receiver: Awaited<ReturnType<typeof callbackReceiver>>
  const connection = testConnection()
  const clock = fixedClock()
  beforeAll(async () => {
    sql = await db.open()
    receiver = await callbackReceiver()
    t = await makeTestApp(sql, { clock, callbackUrl: receiver.url, live: connection.live })
    for (const p of [LIVE, CONNECTED]) {
      await t.deps.projects.add({ id: p.id, name: `Live ${p.id}`, secret: p.secret, callbackUrl: receiver.url, returnHosts: ['shop.example'], testMode: false })
    }
    await t.deps.projects.add({ id: GOES_LIVE.id, name: 'Soon live', secret: GOES_LIVE.secret, callbackUrl: receiver.url, testMode: true })
  })
  afterAll(async () => {
    await receiver.close()
    await sql.close()
  })

  const count = async (query: string, params: unknown[] = []) => Number((await sql.query<{ n: string }>(query, params))[0]!.n)
  const simRecords = () => count('SELECT (SELECT count(*) FROM sim_card_authorisations) + (SELECT count(*) FROM sim_wallet_payments) + (SELECT count(*) FROM sim_provider_operations) AS n')
  const paymentsOf = (projectId: number) => count('SELECT count(*) AS n FROM payments WHERE project_id = $1', [projectId])
  const pageParams = (projectId: number, extra: Record<string, string | number> = {}) =>
    ({ project_id: projectId, payment_id: orderId('page'), payment_amount: 1500, payment_currency: 'EUR', ...extra })
  const callbacksFor = async (paymentId: string) => {
    await t.dispatcher.tick()
    return receiver.received.map((r) => JSON.parse(r.body) as { payment: Record<string, unknown> }).filter((b) => b.payment['id'] === paymentId)
  }
  const pay = (token: string, body: unknown) =>
    t.app.request('/api/page/pay', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })

  describe('a live project without a connection', () => {
    it('refuses its payment page with provider_not_connected before anything exists', async () => {
      const before = await paymentsOf(LIVE.id)
      const response = await t.app.request(`/payment?${signedQuery(pageParams(LIVE.id), LIVE.secret)}`)
      expect(response.status).toBe(403)
      const html = await response.text()
      expect(html).toContain('data-error-code="provider_not_connected"')
      expect(html).toContain('no payment provider is connected')
      expect(await paymentsOf(LIVE.id)).toBe(before)
    })

    it('refuses to start a payment from the page API, using no attempt and asking no simulator', async () => {
      const { payment } = await t.deps.payments.createOrGet({
        id: `pay_live_${orderId()}`, projectId: LIVE.id, paymentId: orderId('stored'), type: 'purchase', operationType: 'sale', amount: 1500, currency: 'EUR',
        description: undefined, customerId: undefined, languageCode: undefined, status: 'new', attempts: 0, maxAttempts: 3, bestBefore: undefined,
        callbackUrl: undefined, successUrl: undefined, failUrl: undefined, returnUrl: undefined, params: {}, saveCard: 'never', forceMethod: undefined,
        theme: undefined, returnMode: undefined, test: false, channel: 'page', version: 0, createdAt: clock.now(), updatedAt: clock.now(),
      })
      const token = await signSession(t.deps.sessionKeys, { sessionId: 'ses_live', projectId: LIVE.id, paymentRowId: payment.id, parentOrigin: undefined, guid: undefined }, clock.now(), 600, undefined)
      const before = await simRecords()
      for (const body of [{ method: 'card', card: { ...CARD, pan: '4000000000003220' } }, { method: 'jeton' }]) {
        const response = await pay(token, body)
        expect(response.status).toBe(403)
        expect(v.parse(ErrorEnvelopeSchema, await response.json()).error.code).toBe('provider_not_connected')
      }
      expect(await t.deps.payments.get(payment.id)).toMatchObject({ status: 'new', attempts: 0 })
      expect(await t.deps.payments.operations(payment.id)).toEqual([])
      expect(await simRecords()).toBe(before)
    })

    it('refuses every Gate payment with provider_not_connected, creating nothing', async () => {
      const token = await gate(t.app, '/v2/token/card/create', { general: { project_id: LIVE.id }, customer: { id: 'c-live' }, card: card() }, { secret: LIVE.secret })
      expect(token.status).toBe(200)
      const accountToken = String(token.body['token'])
      const before = { payments: await paymentsOf(LIVE.id), sims: await simRecords() }
      const requests: Array<[string, Record<string, unknown>]> = [
        ['/v2/payment/card/sale', { card: card() }],
        ['/v2/payment/card/auth', { card: card('4000000000003220') }],
        ['/v2/payment/card/recurring', { account_token: accountToken, customer: { id: 'c-live' } }],
        ['/v2/payment/wallet/jeton/sale', {}],
        ['/v2/payment/wallet/jeton/payout', { account: { number: 'JT1234567890' } }],
        ['/v2/payment/card/payout', { card: card() }],
      ]
      for (const [path, extra] of requests) {
        const body = { general: { project_id: LIVE.id, payment_id: orderId('gate') }, payment: { amount: 1500, currency: 'EUR' }, ...extra }
        const response = await gate(t.app, path, body as never, { secret: LIVE.secret })
        expect([path, response.status, response.body['code']]).toEqual([path, 403, 'provider_not_connected'])
      }
      expect(await paymentsOf(LIVE.id)).toBe(before.payments)
      expect(await simRecords()).toBe(before.sims)
    })
  })

  describe('a live project with a connection', () => {
    it('is served by its connection, never a simulator, and its callbacks and status carry no test marker', async () => {
      const params = pageParams(CONNECTED.id)
      const page = await t.app.request(`/payment?${signedQuery(params, CONNECTED.secret)}`)
      expect(page.status).toBe(200)
      const token = tokenFrom(await page.text())
      const view = v.parse(SessionViewSchema, await (await t.app.request('/api/page/session', { headers: { authorization: `Bearer ${token}` } })).json())
      // Jeton would fit the amount, but this project's connection serves cards only.
      expect(view).toMatchObject({ test_mode: false, methods: ['card'] })
      const before = await simRecords()
      expect((await pay(token, { method: 'card', card: CARD })).status).toBe(200)
      expect(connection.asked).toHaveLength(1)
      expect(await simRecords()).toBe(before)
      const [callback] = await callbacksFor(params.payment_id)
      expect(callback).toMatchObject({ payment: { status: 'success' }, operation: { provider: { id: providerNumber('upstream-test') } } })
      expect(callback!.payment).not.toHaveProperty('is_test')
      const status = await gate(t.app, '/v2/payment/status', { general: { project_id: CONNECTED.id, payment_id: params.payment_id } }, { secret: CONNECTED.secret })
      expect(status.body['payment']).not.toHaveProperty('is_test')
    })

    it('refuses a method its connection does not serve', async () => {
      const response = await t.app.request(`/payment?${signedQuery(pageParams(CONNECTED.id, { force_payment_method: 'jeton' }), CONNECTED.secret)}`)
      expect(response.status).toBe(400)
      expect(await response.text()).toContain('data-error-code="method_unavailable"')
      const wallet = await gate(t.app, '/v2/payment/wallet/jeton/sale', { general: { project_id: CONNECTED.id, payment_id: orderId() }, payment: { amount: 1500, currency: 'EUR' } }, { secret: CONNECTED.secret })
      expect(wallet.body['code']).toBe('provider_not_connected')
    })
  })

  describe('test payments', () => {
    it('carry payment.is_test = 1 in callbacks (verified by the official SDK) and in status', async () => {
      const paymentId = orderId('marked')
      expect((await gate(t.app, '/v2/payment/card/sale', { general: { project_id: TEST_PROJECT.id, payment_id: paymentId }, payment: { amount: 1500, currency: 'EUR' }, card: card() })).status).toBe(200)
      const [callback] = await callbacksFor(paymentId)
      expect(callback!.payment['is_test']).toBe(1)
      expect(new Callback(TEST_PROJECT.secret, callback as never).callback).toMatchObject({ payment: { is_test: 1 } })
      const status = await gate(t.app, '/v2/payment/status', { general: { project_id: TEST_PROJECT.id, payment_id: paymentId } })
      expect(status.body['payment']).toMatchObject({ is_test: 1 })
    })

    it('stay test payments, refunded by the simulator, after their project goes live', async () => {
      const paymentId = orderId('before-live')
      const sale = { general: { project_id: GOES_LIVE.id, payment_id: paymentId }, payment: { amount: 1500, currency: 'EUR' }, card: card() }
      expect((await gate(t.app, '/v2/payment/card/sale', sale, { secret: GOES_LIVE.secret })).status).toBe(200)
      await sql.query('UPDATE projects SET test_mode = false WHERE id = $1', [GOES_LIVE.id])
      const refund = await gate(t.app, '/v2/payment/card/refund', { general: { project_id: GOES_LIVE.id, payment_id: paymentId }, payment: { amount: 500, currency: 'EUR' } }, { secret: GOES_LIVE.secret })
      expect(refund.status).toBe(200)
      const callbacks = await callbacksFor(paymentId)
      expect(callbacks.map((c) => [c.payment['status'], c.payment['is_test']]).sort()).toEqual([['partially refunded', 1], ['success', 1]])
      // A new payment of the now live project is refused: it has no connection.
      const next = await gate(t.app, '/v2/payment/card/sale', { ...sale, general: { project_id: GOES_LIVE.id, payment_id: orderId() } }, { secret: GOES_LIVE.secret })
      expect(next.body['code']).toBe('provider_not_connected')
    })
  })

  it('the registry refuses an unknown method instead of routing it anywhere', async () => {
    await expect(t.deps.providers.route({ projectId: TEST_PROJECT.id, test: true }, 'paypal')).rejects.toMatchObject({ code: 'method_unavailable' })
    await expect(t.deps.providers.route({ projectId: CONNECTED.id, test: false }, 'paypal')).rejects.toMatchObject({ code: 'method_unavailable' })
    await expect(t.deps.providers.route({ projectId: LIVE.id, test: false }, 'card')).rejects.toMatchObject({ code: 'provider_not_connected' })
    expect((await t.deps.providers.route({ projectId: LIVE.id, test: true }, 'jeton')).providerId).toBe('1079')
  })
})
