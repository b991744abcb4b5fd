import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { sdkQuery } from '../fixtures/sdk-writers.ts'
import { CHROMIUM_LAUNCH, browserAvailable, cli, fillCard, freePort, serverEnv, startServer, type ServerProcess } from './harness.ts'
import { dataDir } from './data-dir.ts'

// Issue 10, "Shown by": a real payment in Chromium from a URL the Python SDK's way — booleans
// written `True`/`False` but signed 1/0, and signed `_`-prefixed merchant parameters.
const PROJECT = 9102

describe.skipIf(!browserAvailable())('a Payment Page URL built the Python SDK way', () => {
  let server: ServerProcess
  let browser: Browser
  let secret: string

  beforeAll(async () => {
    const port = await freePort()
    const env = serverEnv(port, { dataDir: dataDir('epay-e2e-sdk-') })
    // No --secret: the CLI makes one and prints it, whichever way secrets are given on input.
    const added = cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Python Shop', '--return-host', 'shop.example', '--test'])
    secret = /secret: (\S+)/.exec(added)![1]!
    server = await startServer(env)
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('opens, pays with 4242…, the Gate reports success, and a flipped boolean is refused', async () => {
    const paymentId = `py-${Date.now()}`
    const query = sdkQuery('python', {
      project_id: PROJECT, interface_type: '{"id": 24}', payment_id: paymentId, payment_amount: 1250, payment_currency: 'EUR',
      payment_description: 'Python order', close_on_missclick: true, redirect: false, force_acs_new_window: false,
      recurring_register: false, _plugin_version: '5.0.0', _order_ref: 'A-17', merchant_success_url: 'https://shop.example/ok',
    }, secret)
    expect(query).toContain('close_on_missclick=True')
    expect(query).toContain('redirect=False')
    expect(query).toContain('_plugin_version=5.0.0')
    expect(query).toContain('_order_ref=A-17')

    const page = await browser.newPage()
    const opened = await page.goto(`${server.url}/payment?${query}`)
    expect(opened?.status()).toBe(200)
    await fillCard(page, { pan: '4242424242424242', cvc: '123' })
    await page.locator('button[type="submit"]').click()
    await page.locator('main[data-state="success"]').waitFor({ timeout: 20_000 })

    // The Gate agrees, and the stored parameters are the signed ones (booleans as 1/0, `_` key kept).
    const body = { general: { project_id: PROJECT, payment_id: paymentId } }
    const status = await fetch(`${server.url}/v2/payment/status`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ general: { ...body.general, signature: sign(body, secret) } }),
    })
    expect(await status.json()).toMatchObject({ payment: { id: paymentId, status: 'success', sum: { amount: 1250, currency: 'EUR' } } })

    // Changing a Python boolean the shopper can see in the URL breaks the signature.
    const tampered = await page.goto(`${server.url}/payment?${query.replace('redirect=False', 'redirect=True')}`)
    expect(tampered?.status()).toBe(403)
    // So does changing the merchant's own signed `_` parameter: it is signed, not an embed key.
    const otherRef = await page.goto(`${server.url}/payment?${query.replace('_order_ref=A-17', '_order_ref=A-18')}`)
    expect(otherRef?.status()).toBe(403)
    await page.close()
  })
})
