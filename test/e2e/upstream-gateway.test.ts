import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cliWithPassword, signIn } from '../../scripts/dashboard-screens.ts'
import { Callback, signGate } from '../fixtures/gate.ts'
import { CHROMIUM_LAUNCH, ROOT, browserAvailable, cli, eventually, fillCard, freePort, serverEnv, startServer, tempDir, type ServerProcess } from './harness.ts'
import { startMerchantSite } from './merchant-site.ts'

const FRONT = { id: 5201, secret: 'e2e-front-live-secret-0123456789' } as const
const UPSTREAM = { id: 7201, secret: 'e2e-upstream-test-secret-0123456789' } as const
const MANAGER = { email: 'manager@tea.example', password: 'copper-lantern-83-thistle' } as const

// Two EPay processes (issue 14): the front's live project is connected with `project connect` to
// the upstream's test project, which runs the simulators. A shopper pays on the front's widget;
// the upstream holds the money, the front reports it.
describe.skipIf(!browserAvailable())('a live EPay in front of an upstream EPay', () => {
  let front: ServerProcess
  let upstream: ServerProcess
  let upstreamEnv: Record<string, string>
  let merchant: Awaited<ReturnType<typeof startMerchantSite>>
  let browser: Browser

  const post = async (base: string, path: string, body: Record<string, unknown>, secret: string) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signGate(body as never, secret)) })
    return (await response.json()) as Record<string, unknown>
  }
  const frontGate = (path: string, body: Record<string, unknown>) => post(front.url, path, { ...body, general: { project_id: FRONT.id, ...(body['general'] as object) } }, FRONT.secret)
  const upstreamGate = (path: string, body: Record<string, unknown>) => post(upstream.url, path, { ...body, general: { project_id: UPSTREAM.id, ...(body['general'] as object) } }, UPSTREAM.secret)
  const balance = async (gate: typeof frontGate) => (await gate('/v2/balance', { currency: 'EUR' }))['balance']
  const chargeId = (status: Record<string, unknown>) => String((status['operations'] as Array<Record<string, unknown>>).find((op) => op['type'] === 'sale')?.['id'])

  beforeAll(async () => {
    const [frontPort, upstreamPort] = [await freePort(), await freePort()]
    upstreamEnv = serverEnv(upstreamPort, { dataDir: tempDir('epay-upstream-') })
    // The upstream's acquirer answers slowly, so a sale is still in flight when it is killed.
    upstreamEnv['EPAY_ACQUIRER_LATENCY_MS'] = '1500'
    const frontEnv = serverEnv(frontPort, { dataDir: tempDir('epay-front-') })
    const widget = readFileSync(join(ROOT, 'dist/widget/merchant.js'))
    merchant = await startMerchantSite({
      epayUrl: `http://localhost:${frontPort}`, projectId: FRONT.id, secret: FRONT.secret, widgetIntegrity: `sha384-${createHash('sha384').update(widget).digest('base64')}`,
    })
    cli(upstreamEnv, ['project', 'add', '--id', String(UPSTREAM.id), '--name', 'Upstream acquiring', '--secret-stdin', '--return-host', 'localhost', '--test'], `${UPSTREAM.secret}\n`)
    const org = cli(frontEnv, ['org', 'add', '--name', 'Tea House']).trim().split('\n').at(-1)!
    cli(frontEnv, ['project', 'add', '--id', String(FRONT.id), '--name', 'Tea House', '--org', org, '--secret-stdin', '--callback-url', `${merchant.origin}/callbacks`, '--origin', merchant.origin], `${FRONT.secret}\n`)
    cliWithPassword(frontEnv, ['user', 'add', '--email', MANAGER.email, '--role', 'manager', '--org', org, '--password-stdin'], MANAGER.password)
    const connected = cli(frontEnv, ['project', 'connect', '--id', String(FRONT.id), '--provider', 'ecommpay-gate', '--url', `http://127.0.0.1:${upstreamPort}`, '--upstream-project-id', String(UPSTREAM.id), '--secret-stdin'], `${UPSTREAM.secret}\n`)
    expect(connected).not.toContain(UPSTREAM.secret)
    expect(connected).toContain(`project ${FRONT.id} (live) connected to ecommpay-gate`)
    ;[upstream, front] = await Promise.all([startServer(upstreamEnv, { timeoutMs: 90_000 }), startServer(frontEnv, { timeoutMs: 90_000 })])
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  }, 300_000)
  afterAll(async () => {
    await browser?.close()
    await front?.stop()
    await upstream?.stop()
    await merchant?.close()
  })

  it('pays 4242… on the front\'s widget, refunds through the front\'s Gate, and both ledgers agree', async () => {
    const page = await browser.newPage()
    const paymentId = `up-${Date.now()}`
    await page.goto(`${merchant.origin}/shop?payment_id=${paymentId}`)
    await page.click('#pay')
    const frame = page.frameLocator('iframe')
    await fillCard(frame, { pan: '4242424242424242', cvc: '123' })
    await frame.locator('button[type="submit"]').click()
    await frame.locator('[data-state="success"]').waitFor({ timeout: 30_000 })
    await page.close()

    const status = await frontGate('/v2/payment/status', { general: { payment_id: paymentId } })
    expect(status['payment']).toMatchObject({ status: 'success', sum: { amount: 1999, currency: 'EUR' } })
    expect((status['payment'] as Record<string, unknown>)['is_test']).toBeUndefined()
    expect((await upstreamGate('/v2/payment/status', { general: { payment_id: chargeId(status) } }))['payment']).toMatchObject({ status: 'success', is_test: 1 })

    expect(await frontGate('/v2/payment/refund', { general: { payment_id: paymentId }, payment: { amount: 500, currency: 'EUR' } })).toMatchObject({ status: 'success' })
    expect((await frontGate('/v2/payment/status', { general: { payment_id: paymentId } }))['payment']).toMatchObject({ status: 'partially refunded' })
    expect(await balance(frontGate)).toBe(1499)
    expect(await balance(upstreamGate)).toBe(1499)

    // Every callback the merchant got is the front's own, signed with the front's secret.
    const callbacks = await eventually(() => {
      const mine = merchant.callbacks.filter((c) => (c.body['payment'] as { id?: string }).id === paymentId)
      return mine.length >= 2 ? mine : undefined
    }, 30_000, 'sale and refund callbacks')
    expect(callbacks.every((c) => c.signatureValid)).toBe(true)
    for (const c of callbacks) expect(() => new Callback(FRONT.secret, c.raw)).not.toThrow()
  })

  it('passes the upstream\'s 3028 through: a payout the front could cover, the upstream cannot', async () => {
    // The operator withdraws at the upstream directly; the front still shows its own balance.
    await upstreamGate('/v2/payment/wallet/jeton/payout', { general: { payment_id: `withdraw-${Date.now()}` }, payment: { amount: 1499, currency: 'EUR' }, account: { number: '93017949' } })
    expect(await balance(upstreamGate)).toBe(0)
    const payoutId = `payout-${Date.now()}`
    await frontGate('/v2/payment/wallet/jeton/payout', { general: { payment_id: payoutId }, payment: { amount: 1000, currency: 'EUR' }, account: { number: '93017949' } })
    const status = await eventually(async () => {
      const s = await frontGate('/v2/payment/status', { general: { payment_id: payoutId } })
      return (s['payment'] as { status?: string } | undefined)?.status === 'decline' ? s : undefined
    }, 30_000, 'the payout decline')
    expect(status['errors']).toMatchObject([{ code: '3028' }])
    expect(await balance(frontGate)).toBe(1499)
  })

  it('settles a sale whose upstream was killed mid-request to the upstream\'s truth, charging once', async () => {
    const paymentId = `kill-${Date.now()}`
    const sale = frontGate('/v2/payment/card/sale', {
      general: { payment_id: paymentId }, payment: { amount: 2100, currency: 'EUR' }, card: { pan: '4242424242424242', year: 2034, month: 12, card_holder: 'JANE DOE', cvv: '123' },
    })
    // The upstream's acquirer is busy with it for 1.5 s: kill the upstream then.
    await new Promise((r) => setTimeout(r, 700))
    await upstream.stop('SIGKILL')
    expect(await sale).toMatchObject({ status: 'success' })
    expect((await frontGate('/v2/payment/status', { general: { payment_id: paymentId } }))['payment']).toMatchObject({ status: 'processing' })
    upstream = await startServer(upstreamEnv, { timeoutMs: 90_000 })
    // Both resolvers run every second: the upstream settles its side, the front asks it.
    const settled = await eventually(async () => {
      const s = await frontGate('/v2/payment/status', { general: { payment_id: paymentId } })
      const st = (s['payment'] as { status?: string }).status
      return st === 'success' || st === 'decline' ? s : undefined
    }, 60_000, 'the front to settle')
    const upstreamSide = await upstreamGate('/v2/payment/status', { general: { payment_id: chargeId(settled) } })
    const frontStatus = (settled['payment'] as { status: string }).status
    if (upstreamSide['status'] === 'error') {
      // The request never reached the upstream: the front declined, and nothing was charged.
      expect(frontStatus).toBe('decline')
    } else {
      expect(frontStatus).toBe((upstreamSide['payment'] as { status: string }).status)
      expect(upstreamSide['operations']).toHaveLength(1)
    }
    const [f, u] = [await balance(frontGate), await balance(upstreamGate)]
    // The front's ledger moved by the charge exactly as the upstream's did.
    expect(Number(f) - 1499).toBe(Number(u) - 0)
  })

  /** Pays on the front's widget in Chromium; `step` finishes what the upstream shows the shopper. */
  async function payInBrowser(paymentId: string, step: (frame: ReturnType<Awaited<ReturnType<Browser['newPage']>>['frameLocator']>) => Promise<void>) {
    const page = await browser.newPage()
    await page.goto(`${merchant.origin}/shop?payment_id=${paymentId}`)
    await page.click('#pay')
    const frame = page.frameLocator('iframe')
    await step(frame)
    await frame.locator('[data-state="success"]').waitFor({ timeout: 30_000 })
    await page.close()
  }
  const settledCallbacks = (paymentId: string, count: number) =>
    eventually(() => {
      const mine = merchant.callbacks.filter((c) => (c.body['payment'] as { id?: string }).id === paymentId)
      return mine.length >= count ? mine : undefined
    }, 30_000, `callbacks of ${paymentId}`)

  it('takes the shopper through the upstream\'s 3-D Secure challenge and its Jeton page, in the front\'s widget', async () => {
    const threeDs = `up-3ds-${Date.now()}`
    await payInBrowser(threeDs, async (frame) => {
      await fillCard(frame, { pan: '4000000000003220', cvc: '123' })
      await frame.locator('button[type="submit"]').click()
      // The upstream's ACS, shown through the front's own link, inside the front's iframe.
      await frame.getByRole('button', { name: 'Confirm' }).click({ timeout: 30_000 })
    })
    const jeton = `up-jeton-${Date.now()}`
    await payInBrowser(jeton, async (frame) => {
      await frame.getByRole('radio', { name: /jeton/i }).check()
      await frame.locator('button[type="submit"]').click()
      await frame.getByRole('button', { name: 'Success', exact: true }).click({ timeout: 30_000 })
    })
    for (const id of [threeDs, jeton]) {
      const status = await frontGate('/v2/payment/status', { general: { payment_id: id } })
      expect(status['payment']).toMatchObject({ status: 'success', sum: { amount: 1999, currency: 'EUR' } })
      expect((await upstreamGate('/v2/payment/status', { general: { payment_id: chargeId(status) } }))['payment']).toMatchObject({ status: 'success', is_test: 1 })
      // Every callback verifies with the official SDK, as the merchant's own code would check it.
      for (const c of await settledCallbacks(id, 1)) expect(() => new Callback(FRONT.secret, c.raw)).not.toThrow()
    }
    expect((await frontGate('/v2/payment/status', { general: { payment_id: jeton } }))['payment']).toMatchObject({ method: 'JetonWallet' })
  })

  it('a manager refunds part in the front\'s dashboard: the refund runs upstream and the merchant gets the front\'s signed callback', async () => {
    const paymentId = `up-dash-${Date.now()}`
    await payInBrowser(paymentId, async (frame) => {
      await fillCard(frame, { pan: '4242424242424242', cvc: '123' })
      await frame.locator('button[type="submit"]').click()
    })
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await signIn(page, front.url, MANAGER.email, MANAGER.password)
    await page.goto(`${front.url}/dashboard/payments`)
    await page.getByRole('link', { name: paymentId }).click()
    await page.getByRole('button', { name: 'Refund', exact: true }).click()
    await page.getByLabel('Amount, EUR').fill('4.99')
    await page.getByLabel('Reason (goes to the journal)').fill('Returned one tin')
    await page.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('button', { name: 'Yes, do it' }).click()
    await page.locator('.alert-success').waitFor({ timeout: 30_000 })
    await context.close()

    const status = await frontGate('/v2/payment/status', { general: { payment_id: paymentId } })
    expect(status['payment']).toMatchObject({ status: 'partially refunded' })
    const upstreamSide = await upstreamGate('/v2/payment/status', { general: { payment_id: chargeId(status) } })
    expect(upstreamSide['payment']).toMatchObject({ status: 'partially refunded' })
    expect((upstreamSide['operations'] as Array<{ type: string; sum_initial?: { amount: number } }>).find((op) => op.type === 'refund')).toMatchObject({ sum_initial: { amount: 499 } })
    const callbacks = await settledCallbacks(paymentId, 2)
    const refund = callbacks.find((c) => (c.body['operation'] as { type: string }).type === 'refund')!
    expect(new Callback(FRONT.secret, refund.raw).callback).toMatchObject({ operation: { type: 'refund', status: 'success' } })
  })
})
