import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PaymentStateSchema, type PaymentState } from '../../../protocol/schemas/page-api.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { gate, general } from '../../fixtures/gate.ts'
import { fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'
import { formIn, formPost as form, fragmentToken, locationOf, passChallenge, passWallet, pathOf } from '../../fixtures/sim-browser.ts'

const THREE_DS = { pan: '4000000000003220', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }

/**
 * What a merchant (or anyone holding what the merchant sees) could do to a shopper's payment
 * through the simulators: the attacks of the safety review, each of which worked once.
 * @see issue 9, item 1
 */
describe.each(testDatabases())('simulator decisions are bound to the shopper on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  const clock = fixedClock()
  beforeAll(async () => {
    sql = await db.open()
    t = await makeTestApp(sql, { clock })
  })
  afterAll(() => sql.close())

  const shopperPays = async (body: unknown, overrides: Record<string, string | number> = {}) => {
    const params = paymentParams(overrides)
    const page = await t.app.request(`/payment?${signedQuery(params)}`)
    const token = tokenFrom(await page.text())
    const response = await t.app.request('/api/page/pay', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    expect(response.status).toBe(200)
    return { paymentId: params.payment_id, token, state: v.parse(PaymentStateSchema, await response.json()) }
  }
  const merchantStatus = async (paymentId: string) => {
    const response = await gate(t.app, '/v2/payment/status', { general: general(paymentId) })
    expect(response.status).toBe(200)
    return response.body as { payment: { status: string }; operations: Array<{ id: number }>; redirect_data?: { url: string; body: Record<string, string> } }
  }

  it('a merchant cannot finish the shopper\'s 3-D Secure alone with what the status API shows', async () => {
    const { paymentId } = await shopperPays({ method: 'card', card: THREE_DS })
    const seen = await merchantStatus(paymentId)
    expect(seen.payment.status).toBe('awaiting 3ds result')
    // Everything the merchant can learn: the operation id, and redirect_data if the status shows it.
    const operationId = String(seen.operations[0]!.id)
    const shown = seen.redirect_data?.body ?? {}
    const md = shown['MD'] ?? ''
    const creq = shown['creq'] ?? operationId
    const termUrl = shown['TermUrl'] ?? 'http://localhost:8080/payment/3ds-return'
    const acsUrl = seen.redirect_data ? pathOf(seen.redirect_data.url) : '/sim/acs'
    for (const path of ['/sim/acs/decide', `${acsUrl}/decide`, acsUrl]) {
      await t.app.request(path, form({ creq, MD: md, TermUrl: termUrl, decision: 'confirm' }))
    }
    await t.app.request('/payment/3ds-return', form({ MD: md, cres: creq }))
    expect((await merchantStatus(paymentId)).payment.status).toBe('awaiting 3ds result')
  })

  it('the status API never hands a page payment\'s ACS entry or return token to the merchant', async () => {
    const { paymentId, state } = await shopperPays({ method: 'card', card: THREE_DS })
    expect(state.redirect_data).toBeDefined()
    const seen = await merchantStatus(paymentId)
    expect(seen.redirect_data).toBeUndefined()
  })

  it('a merchant cannot decide the shopper\'s wallet payment with the reference the status API shows', async () => {
    const { paymentId, state } = await shopperPays({ method: 'jeton' }, { payment_amount: 1500 })
    expect(state.status).toBe('awaiting redirect result')
    const reference = String((await merchantStatus(paymentId)).operations[0]!.id)
    const page = await t.app.request(`/sim/wallets/jeton?reference=${reference}`)
    expect(page.status).toBeGreaterThanOrEqual(400)
    const decided = await t.app.request('/sim/wallets/jeton/decide', form({ reference, decision: 'success' }))
    expect(decided.status).toBeGreaterThanOrEqual(400)
    expect(await t.deps.simulators.jeton.status(reference)).toMatchObject({ kind: 'pending' })
  })

  it('a replayed return token (MD) resumes nothing a second time', async () => {
    const { state } = await shopperPays({ method: 'card', card: THREE_DS })
    const { returned } = await passChallenge(t.app, state.redirect_data!, 'confirm')
    expect(fragmentToken(returned)).toBeDefined()
    const replay = await t.app.request('/payment/3ds-return', form({ MD: state.redirect_data!.body['MD']! }))
    // No fresh session: neither in a page nor in a redirect's fragment, only the resume address.
    expect(await replay.text()).not.toContain('epay-boot')
    expect(locationOf(replay)).toBe(locationOf(returned).replace(/#.*$/, ''))
    expect(fragmentToken(replay)).toBeUndefined()
  })

  it('an ACS decision is accepted once: a second click or a replayed form changes nothing', async () => {
    const { paymentId, state } = await shopperPays({ method: 'card', card: THREE_DS })
    const challenge = await openChallenge(state)
    const decide = formIn(challenge.html)
    const first = await t.app.request(decide.action, form({ ...decide.fields, decision: 'confirm' }))
    expect(first.status).toBe(303)
    const second = await t.app.request(decide.action, form({ ...decide.fields, decision: 'fail' }))
    expect(second.status).toBeLessThan(500)
    const reference = String((await merchantStatus(paymentId)).operations[0]!.id)
    expect(await t.deps.simulators.card.status(reference)).toMatchObject({ kind: 'approved' })
  })

  it('a wallet decision is accepted once, and its return resumes once', async () => {
    const { paymentId, state } = await shopperPays({ method: 'jeton' }, { payment_amount: 1500 })
    const { returned, walletUrl, returnUrl } = await passWallet(t.app, state.redirect_data!, 'success')
    expect(fragmentToken(returned)).toBeDefined()
    // A second click with the other answer only sends the shopper back; the first decision stands.
    const again = await t.app.request(`${walletUrl}/decide`, form({ decision: 'decline' }))
    expect(pathOf(locationOf(again))).toBe(returnUrl)
    const reference = String((await merchantStatus(paymentId)).operations[0]!.id)
    expect(await t.deps.simulators.jeton.status(reference)).toMatchObject({ kind: 'approved' })
    // Back to the wallet page after the decision: it only sends the shopper on.
    expect(pathOf(locationOf(await t.app.request(walletUrl)))).toBe(returnUrl)
    const replay = await t.app.request(returnUrl)
    expect(fragmentToken(replay)).toBeUndefined()
    expect(locationOf(replay)).toBe(locationOf(returned).replace(/#.*$/, ''))
    // The return token travels in the path, never in a query string (SPEC §5).
    expect(returnUrl).toMatch(/^\/payment\/return\/[\w-]+\.[\w-]+\.[\w-]+$/)
  })

  it('an ACS entry expires with the challenge', async () => {
    const { state } = await shopperPays({ method: 'card', card: THREE_DS })
    clock.advance(16 * 60_000)
    const entry = state.redirect_data!
    const response = await t.app.request(pathOf(entry.url), form(entry.body))
    expect(response.status).toBe(400)
  })

  // The shopper's browser: posts redirect_data to the ACS and follows its redirect to the challenge.
  async function openChallenge(state: PaymentState): Promise<{ html: string }> {
    const entry = state.redirect_data!
    const posted = await t.app.request(pathOf(entry.url), form(entry.body))
    const page = await t.app.request(pathOf(locationOf(posted)))
    expect(page.status).toBe(200)
    return { html: await page.text() }
  }
})
