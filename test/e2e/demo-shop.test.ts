import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { axeViolations } from './axe.ts'
import { dataDir } from './data-dir.ts'
import { CHROMIUM_LAUNCH, browserAvailable, eventually, freePort, serverEnv, startServer, fillCard, type ServerProcess } from './harness.ts'

type Received = { signature_valid: boolean; body: { payment: { id: string; status: string } } }

// What a newcomer gets from `npm start`: the demo shop on a fresh data dir, project 112 made on
// first start, the widget paying 4242… to success and 4000…0002 to decline, callbacks signed,
// and a shop that reacts to the result (issue 16 item 8) for this visitor alone (issue 9 item 3).
describe.skipIf(!browserAvailable())('the demo shop of npm start', () => {
  let server: ServerProcess
  let browser: Browser

  beforeAll(async () => {
    const port = await freePort()
    server = await startServer({ ...serverEnv(port, { dataDir: dataDir('epay-demo-') }), EPAY_DEMO: '1' })
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  const signedPaymentId = async (page: Page) => {
    const log = await eventually(async () => /"payment_id":"(demo_[^"]+)"/.exec((await page.locator('#events').textContent()) ?? '')?.[1], 10_000, 'the signed order')
    return log
  }
  const callbackOf = (page: Page, paymentId: string) =>
    eventually(async () => {
      // The shop shows its callbacks to the visitor whose payment they are: ask with its cookie.
      const list = (await (await page.request.get(`${server.url}/demo/callbacks`)).json()) as Received[]
      return list.find((c) => c.body.payment.id === paymentId)
    }, 20_000, 'the demo callback')

  it('creates test project 112 on first start and prints its secret', () => {
    expect(server.output()).toMatch(/Created test project 112\. Its secret: \S{20,}/)
  })

  it('pays 19.99 in the modal: the shop says the order is paid, closes the modal and shows the signed callback', async () => {
    const page = await browser.newPage()
    const errors: string[] = []
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text())
    })
    await page.goto(`${server.url}/`)
    await page.fill('#amount', '19.99')
    await page.click('#pay-modal')
    const frame = page.frameLocator('iframe')
    await expect.poll(() => frame.locator('button[type="submit"]').textContent(), { timeout: 20_000 }).toContain('19.99')
    await fillCard(frame, { pan: '4242424242424242', holder: 'DEMO SHOPPER' })
    await frame.locator('button[type="submit"]').click()
    const paymentId = await signedPaymentId(page)
    await expect.poll(() => page.locator('#order-status').textContent(), { timeout: 20_000 }).toBe(`Order ${paymentId} is paid. Thank you!`)
    await expect.poll(() => page.locator('iframe').count()).toBe(0)
    const callback = await callbackOf(page, paymentId)
    expect(callback.signature_valid).toBe(true)
    expect(callback.body.payment.status).toBe('success')
    await expect.poll(async () => page.locator('#callbacks').textContent(), { timeout: 10_000 }).toContain(paymentId)
    expect(errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([])

    // Another visitor (another browser) sees none of it.
    const stranger = await browser.newContext()
    const other = await stranger.newPage()
    await other.goto(`${server.url}/`)
    expect(await (await other.request.get(`${server.url}/demo/callbacks`)).json()).toEqual([])
    await new Promise((r) => setTimeout(r, 2500))
    expect(await other.locator('#callbacks').textContent()).toBe('none yet')
    await stranger.close()
    await page.close()
  })

  it('says a declined payment failed and keeps the modal open for Try again', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/`)
    await page.click('#pay-modal')
    const frame = page.frameLocator('iframe')
    await fillCard(frame, { pan: '4000000000000002' })
    await frame.locator('button[type="submit"]').click()
    await frame.locator('[data-state="decline"]').waitFor({ timeout: 20_000 })
    const paymentId = await signedPaymentId(page)
    await expect.poll(() => page.locator('#order-status').textContent()).toContain('was declined')
    expect(await page.locator('iframe').count()).toBe(1)
    // A decline with attempts left is ECommPay's `awaiting customer` (the shopper may retry).
    expect((await callbackOf(page, paymentId)).body.payment.status).toBe('awaiting customer')
    await page.close()
  })

  it('takes amounts as a shopper types them and says clearly what is wrong', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/`)
    for (const bad of ['19.999', 'abc', '']) {
      await page.fill('#amount', bad)
      await page.click('#pay-modal')
      await expect.poll(() => page.locator('#amount-error').textContent()).not.toBe('')
      expect(await page.getAttribute('#amount', 'aria-invalid')).toBe('true')
      expect(await page.locator('iframe').count()).toBe(0)
    }
    await page.selectOption('#currency', 'JPY')
    await page.fill('#amount', '1999')
    await page.click('#pay-modal')
    await expect.poll(() => page.frameLocator('iframe').locator('button[type="submit"]').textContent(), { timeout: 20_000 }).toMatch(/1,999/)
    expect(await page.locator('#amount-error').textContent()).toBe('')
    await page.close()
  })

  it('brings a full-page shopper back to the shop, which shows the order paid', async () => {
    const page = await browser.newPage()
    await page.goto(`${server.url}/`)
    await page.click('#pay-redirect')
    await page.waitForURL(/\/payment/)
    await fillCard(page, { pan: '4242424242424242' })
    await page.locator('button[type="submit"]').click()
    await page.locator('[data-state="success"]').waitFor({ timeout: 20_000 })
    await page.getByRole('link', { name: 'Return to shop' }).click()
    await page.waitForURL(/\/\?order=demo_/)
    await expect.poll(() => page.locator('#order-status').textContent(), { timeout: 20_000 }).toMatch(/^Order demo_\S+ is paid/)
    await page.close()
  })

  it.each([360, 1280])('at %i px: axe finds nothing, nothing is clipped, the callback panel takes keyboard focus', async (width) => {
    const context = await browser.newContext({ viewport: { width, height: 800 } })
    const page = await context.newPage()
    await page.goto(`${server.url}/`)
    expect(await axeViolations(page)).toEqual([])
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0)
    // Every form control fits inside its card.
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('#order input, #order select, #order button')].filter((el) => {
        const box = el.getBoundingClientRect()
        const card = el.closest('section')!.getBoundingClientRect()
        return box.left < card.left || box.right > card.right
      }).map((el) => el.id),
    )
    expect(clipped).toEqual([])
    const reached: string[] = []
    for (let i = 0; i < 12 && !reached.includes('callbacks'); i++) {
      await page.keyboard.press('Tab')
      reached.push(await page.evaluate(() => document.activeElement?.id ?? ''))
    }
    expect(reached).toContain('callbacks')
    await context.close()
  })
})
