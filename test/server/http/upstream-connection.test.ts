import { serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freePort } from '../../e2e/harness.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { Callback, gate, orderId } from '../../fixtures/gate.ts'
import { formIn, formPost, locationOf, passChallenge, passWallet, type Requester } from '../../fixtures/sim-browser.ts'
import { callbackReceiver, makeTestApp } from '../../fixtures/test-app.ts'
import { startUpstreamEpay, UPSTREAM_PROJECT } from '../../fixtures/upstream-epay.ts'

/** The front's live project, connected to the upstream EPay's test project. */
const LIVE = { id: 5101, secret: 'front-live-secret-0123456789' } as const
const card = (pan: string) => ({ pan, year: 2034, month: 12, card_holder: 'JANE DOE', cvv: '123' })

// Two EPays over real loopback HTTP: the front's live project sends everything upstream, the
// upstream's test project runs the simulators (issue 14). One pair of apps for the whole file.
describe('a live project connected to an upstream gateway', () => {
  let up: Awaited<ReturnType<typeof startUpstreamEpay>>
  let front: Awaited<ReturnType<typeof makeTestApp>>
  let merchant: Awaited<ReturnType<typeof callbackReceiver>>
  let frontHttp: Requester
  let close: () => Promise<void>
  const frontGate = (path: string, body: Record<string, unknown>, key?: string) =>
    gate(frontHttp, path, { ...body, general: { project_id: LIVE.id, ...(body['general'] as object) } } as never, { secret: LIVE.secret, ...(key ? { key } : {}) })
  const upstreamGate = (path: string, body: Record<string, unknown>) =>
    gate(up.requester, path, { ...body, general: { project_id: UPSTREAM_PROJECT.id, ...(body['general'] as object) } } as never, { secret: UPSTREAM_PROJECT.secret })
  const frontStatus = async (paymentId: string) => (await frontGate('/v2/payment/status', { general: { payment_id: paymentId } })).body
  const upstreamStatus = async (paymentId: string) => (await upstreamGate('/v2/payment/status', { general: { payment_id: paymentId } })).body
  const chargeOf = (status: Record<string, unknown>) => (status['operations'] as Array<Record<string, unknown>>).find((op) => op['type'] === 'sale' || op['type'] === 'auth')!

  beforeAll(async () => {
    up = await startUpstreamEpay()
    merchant = await callbackReceiver()
    const port = await freePort()
    const url = `http://127.0.0.1:${port}`
    front = await makeTestApp(await testDatabases()[0]!.open(), { env: { PUBLIC_URL: url } })
    await front.deps.projects.add({ id: LIVE.id, name: 'Tea House', secret: LIVE.secret, allowedOrigins: [], returnHosts: ['shop.example'], callbackUrl: merchant.url, testMode: false })
    await front.deps.upstream!.connections.connect(
      { projectId: LIVE.id, provider: 'ecommpay-gate', url: up.url, upstreamProjectId: UPSTREAM_PROJECT.id, methods: ['card', 'jeton'], secret: UPSTREAM_PROJECT.secret },
      new Date(),
    )
    const server = serve({ fetch: front.app.fetch, port, hostname: '127.0.0.1' })
    frontHttp = { request: (path, init) => fetch(new URL(path, url), { ...init, redirect: 'manual' }) }
    close = async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
      await front.sql.close()
      await merchant.close()
      await up.close()
    }
    // Two whole EPays, each migrating its own embedded database: booting them is the slow part.
  }, 180_000)
  afterAll(async () => {
    await close?.()
  })

  it('charges a card upstream, refunds part through the front\'s Gate, and both sides agree', async () => {
    const id = orderId('live')
    expect((await frontGate('/v2/payment/card/sale', { general: { payment_id: id }, payment: { amount: 1500, currency: 'EUR' }, card: card('4242424242424242') })).status).toBe(200)
    const status = await frontStatus(id)
    expect(status['payment']).toMatchObject({ status: 'success' })
    expect((status['payment'] as Record<string, unknown>)['is_test']).toBeUndefined()
    // The upstream payment is the front's attempt: its payment_id is the front's operation id.
    const attempt = String(chargeOf(status)['id'])
    expect(chargeOf(status)['provider']).toMatchObject({ payment_id: attempt })
    expect((await upstreamStatus(attempt))['payment']).toMatchObject({ status: 'success', sum: { amount: 1500, currency: 'EUR' } })

    expect((await frontGate('/v2/payment/refund', { general: { payment_id: id }, payment: { amount: 400, currency: 'EUR' } })).status).toBe(200)
    expect((await frontStatus(id))['payment']).toMatchObject({ status: 'partially refunded' })
    const upstream = await upstreamStatus(attempt)
    expect(upstream['payment']).toMatchObject({ status: 'partially refunded' })
    expect((upstream['operations'] as Array<Record<string, unknown>>).filter((op) => op['type'] === 'refund')).toMatchObject([{ status: 'success', sum_initial: { amount: 400 } }])
    expect(await front.deps.gate.ledger.balance(LIVE.id, 'EUR')).toBe(1100)
    expect(await up.upstream.deps.gate.ledger.balance(UPSTREAM_PROJECT.id, 'EUR')).toBe(1100)

    // The merchant's callbacks are the front's own, and verify with the official SDK.
    await front.dispatcher.tick()
    const bodies = merchant.received.map((r) => JSON.parse(r.body) as Record<string, unknown>)
    expect(bodies.filter((b) => (b['payment'] as Record<string, unknown>)['id'] === id)).toHaveLength(2)
    for (const body of bodies) expect(new Callback(LIVE.secret, body).callback).toBeTruthy()
  })

  it('takes the shopper through the upstream\'s 3-D Secure and back through the front', async () => {
    const id = orderId('live-3ds')
    await frontGate('/v2/payment/card/sale', { general: { payment_id: id }, payment: { amount: 2500, currency: 'EUR' }, card: card('4000000000003220'), return_url: 'https://shop.example/done' })
    const waiting = await frontStatus(id)
    expect(waiting['payment']).toMatchObject({ status: 'awaiting 3ds result' })
    const redirect = waiting['redirect_data'] as { method: 'POST'; url: string; body: Record<string, string> }
    // EPay's own link first (the upstream's ACS data never reaches the merchant), then the upstream ACS.
    expect(redirect.url.startsWith(`${new URL(front.deps.publicUrl).origin}/upstream/go/`)).toBe(true)
    const onward = await frontHttp.request(new URL(redirect.url).pathname, formPost(redirect.body))
    expect(onward.status).toBe(200)
    const toAcs = formIn(await onward.text())
    expect(toAcs.action.startsWith(up.url)).toBe(true)
    const { returned } = await passChallenge(up.requester, { method: 'POST', url: toAcs.action, body: toAcs.fields }, 'confirm')
    // The upstream settles its side and sends the shopper back to the front, which settles its own.
    const back = locationOf(returned)
    expect(back.startsWith(`${front.deps.publicUrl}/upstream/return/`)).toBe(true)
    const resume = locationOf(await frontHttp.request(new URL(back).pathname))
    expect(resume).toMatch(/^\/payment\/return\//)
    expect(locationOf(await frontHttp.request(resume))).toMatch(/^https:\/\/shop\.example\/done/)
    expect((await frontStatus(id))['payment']).toMatchObject({ status: 'success' })
  })

  it('takes the shopper to the upstream\'s Jeton page and back, and the front settles from the upstream', async () => {
    const id = orderId('live-jeton')
    await frontGate('/v2/payment/wallet/jeton/sale', { general: { payment_id: id }, payment: { amount: 1800, currency: 'EUR' }, return_url: { success: 'https://shop.example/ok', decline: 'https://shop.example/no' } })
    const waiting = await frontStatus(id)
    expect(waiting['payment']).toMatchObject({ status: 'awaiting redirect result' })
    const redirect = waiting['redirect_data'] as { method: 'POST'; url: string; body: Record<string, string> }
    expect(redirect.url.startsWith(`${front.deps.publicUrl}/upstream/go/`)).toBe(true)
    const onward = formIn(await (await frontHttp.request(new URL(redirect.url).pathname, formPost(redirect.body))).text())
    expect(onward.action.startsWith(up.url)).toBe(true)
    const { returned } = await passWallet(up.requester, { method: 'GET', url: onward.action, body: onward.fields }, 'success')
    // The upstream settles and sends the shopper to the front's own return, which settles the front.
    const back = new URL(locationOf(returned))
    expect(back.origin).toBe(new URL(front.deps.publicUrl).origin)
    expect(locationOf(await frontHttp.request(back.pathname))).toMatch(/^https:\/\/shop\.example\/ok/)
    expect((await frontStatus(id))['payment']).toMatchObject({ status: 'success', method: 'JetonWallet' })
  })

  it('settles a lost answer from the upstream\'s verified callback, and never twice', async () => {
    const id = orderId('live-lost')
    // The timeout card: the upstream's acquirer acts but its answer never comes.
    await frontGate('/v2/payment/card/sale', { general: { payment_id: id }, payment: { amount: 700, currency: 'EUR' }, card: card('4000000000000119') })
    expect((await frontStatus(id))['payment']).toMatchObject({ status: 'processing' })
    // The upstream's resolver settles its side and calls the front back.
    await up.settle()
    await up.upstream.dispatcher.tick()
    expect((await frontStatus(id))['payment']).toMatchObject({ status: 'success' })
    expect((await frontStatus(id))['operations']).toHaveLength(1)
    // A forged callback is refused.
    const forged = await frontHttp.request(`/upstream/callbacks/${LIVE.id}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ payment: { id: '1' }, signature: 'AAAA' }) })
    expect(forged.status).toBe(403)
  })

  it('charges a saved card on the upstream\'s own token: one token, recurring operations upstream, no card number again', async () => {
    const customer = `cust-${orderId('rec')}`
    const created = await frontGate('/v2/token/card/create', { customer: { id: customer }, card: { pan: '4242424242424242', year: 2034, month: 12, card_holder: 'JANE DOE' } })
    const token = String(created.body['token'])
    const seen = up.record()
    try {
      for (const amount of [700, 800]) {
        const id = orderId('live-rec')
        expect((await frontGate('/v2/payment/card/recurring', { general: { payment_id: id }, payment: { amount, currency: 'EUR' }, customer: { id: customer }, account_token: token })).status).toBe(200)
        const status = await frontStatus(id)
        expect(status['payment']).toMatchObject({ status: 'success', sum: { amount, currency: 'EUR' } })
        const attempt = String((status['operations'] as Array<Record<string, unknown>>).find((op) => op['type'] === 'recurring')!['id'])
        // Upstream it is a recurring charge on its own saved card, as one of its merchants would make.
        const upstream = await upstreamStatus(attempt)
        expect(upstream['payment']).toMatchObject({ status: 'success', sum: { amount, currency: 'EUR' } })
        expect((upstream['operations'] as Array<Record<string, unknown>>).map((op) => op['type'])).toEqual(['recurring'])
      }
      // One upstream token for the card, made on the first charge and reused by the second.
      const paths = seen.requests.map((r) => r.path)
      expect(paths.filter((p) => p === '/v2/token/card/create')).toHaveLength(1)
      expect(paths.filter((p) => p === '/v2/payment/card/recurring')).toHaveLength(2)
      expect(paths).not.toContain('/v2/payment/card/sale')
      // The card number went upstream once, to save it; the charges carry only the token.
      const withPan = seen.requests.filter((r) => r.body.includes('4242424242424242')).map((r) => r.path)
      expect(withPan).toEqual(['/v2/token/card/create'])
      expect(seen.requests.some((r) => r.body.includes(token))).toBe(false)
    } finally {
      seen.stop()
    }
  })

  it('passes the upstream\'s 3028 decline of a payout over its balance through to the merchant', async () => {
    const id = orderId('live-sale')
    await frontGate('/v2/payment/card/sale', { general: { payment_id: id }, payment: { amount: 900, currency: 'EUR' }, card: card('4242424242424242') })
    // The operator withdraws at the upstream directly: the upstream balance is now below the front's.
    const upBalance = await up.upstream.deps.gate.ledger.balance(UPSTREAM_PROJECT.id, 'EUR')
    await upstreamGate('/v2/payment/wallet/jeton/payout', { general: { payment_id: orderId('withdraw') }, payment: { amount: upBalance, currency: 'EUR' }, account: { number: '93017949' } })
    expect(await up.upstream.deps.gate.ledger.balance(UPSTREAM_PROJECT.id, 'EUR')).toBe(0)
    const payout = orderId('live-payout')
    expect((await frontGate('/v2/payment/wallet/jeton/payout', { general: { payment_id: payout }, payment: { amount: 800, currency: 'EUR' }, account: { number: '93017949' } })).status).toBe(200)
    const status = await frontStatus(payout)
    expect(status['payment']).toMatchObject({ status: 'decline' })
    expect(status['errors']).toMatchObject([{ code: '3028' }])
  })
})
