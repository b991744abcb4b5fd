import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_LAUNCH, browserAvailable, eventually, freePort, serverEnv, startServer, tempDir, fillCard, type ServerProcess } from './harness.ts'

type Received = { signature_valid: boolean; body: { payment: { id: string; status: string } } }

// What a newcomer gets from `npm start`: the demo shop on a fresh data dir, project 112 made on
// first start, the widget paying 4242… to success and 4000…0002 to decline, callbacks signed.
describe.skipIf(!browserAvailable())('the demo shop of npm start', () => {
  let server: ServerProcess
  let browser: Browser

  beforeAll(async () => {
    const port = await freePort()
    server = await startServer({ ...serverEnv(port, { dataDir: tempDir('epay-demo-') }), EPAY_DEMO: '1' })
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  it('creates test project 112 on first start and prints its secret', () => {
    expect(server.output()).toMatch(/Created test project 112\. Its secret: \S{20,}/)
  })

  it.each([
    ['4242424242424242', 'success'],
    ['4000000000000002', 'decline'],
  ])('pays with %s in the widget modal and receives a signed %s callback', async (pan, final) => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(`${server.url}/`)
    await page.click('#pay-modal')
    const frame = page.frameLocator('iframe')
    await fillCard(frame, { pan, holder: 'DEMO SHOPPER' })
    await frame.locator('button[type="submit"]').click()
    await frame.locator(`[data-state="${final}"]`).waitFor({ timeout: 20_000 })
    const log = await page.locator('#events').textContent()
    const paymentId = /"payment_id":"(demo_[^"]+)"/.exec(log ?? '')![1]!
    const callback = await eventually(async () => {
      // The shop shows its callbacks to the visitor whose payment they are: ask with its cookie.
      const list = (await (await page.request.get(`${server.url}/demo/callbacks`)).json()) as Received[]
      return list.find((c) => c.body.payment.id === paymentId)
    }, 20_000, 'the demo callback')
    expect(callback.signature_valid).toBe(true)
    // A decline with attempts left is ECommPay's `awaiting customer` (the shopper may retry).
    expect(callback.body.payment.status).toBe(final === 'decline' ? 'awaiting customer' : final)
    await expect.poll(async () => page.locator('#callbacks').textContent(), { timeout: 10_000 }).toContain(paymentId)
    expect(errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([])
    await page.close()
  })
})
