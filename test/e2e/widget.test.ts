import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CHROMIUM_LAUNCH, browserAvailable, cli, eventually, freePort, serverEnv, startServer, fillCard, type ServerProcess } from './harness.ts'
import { startMerchantSite } from './merchant-site.ts'
import { dataDir } from './data-dir.ts'

const SECRET = 'widget-e2e-secret'
const PROJECT = 9300

type Event = { name: string; data: Record<string, unknown> }

describe.skipIf(!browserAvailable())('EPayWidget on a merchant page of another origin', () => {
  let server: ServerProcess
  let merchant: Awaited<ReturnType<typeof startMerchantSite>>
  let attacker: Server
  let attackerOrigin: string
  let browser: Browser

  beforeAll(async () => {
    const port = await freePort()
    const env = serverEnv(port, { dataDir: dataDir('epay-widget-') })
    merchant = await startMerchantSite({ epayUrl: `http://localhost:${port}`, projectId: PROJECT, secret: SECRET })
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Widget Shop', '--secret-stdin', '--callback-url', `${merchant.origin}/callbacks`, '--origin', merchant.origin, '--test'], SECRET)
    server = await startServer(env)
    browser = await chromium.launch(CHROMIUM_LAUNCH)
    // A frame of another origin inside the merchant page, forging page messages to its parent.
    attacker = createServer((req, res) => {
      const guid = new URL(req.url ?? '/', 'http://x').searchParams.get('guid') ?? ''
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<script>
        for (const message of ['epframe.payment.success', 'epframe.exit', 'epframe.resize'])
          parent.postMessage({ message, guid: ${JSON.stringify(guid)}, data: { payment_id: 'forged', status: 'success', width: 1, height: 5000 } }, '*')
        parent.postMessage(JSON.stringify({ message: 'epframe.payment.success', guid: ${JSON.stringify(guid)}, data: { payment_id: 'forged', status: 'success' } }), '*')
      </script>`)
    })
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r))
    attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await merchant?.close()
    await new Promise<void>((r) => (attacker ? attacker.close(() => r()) : r()))
  })

  const events = async (page: Page) => (await page.evaluate('window.__events')) as Event[]
  const names = async (page: Page) => (await events(page)).map((e) => e.name)

  async function payIn(page: Page, pan: string) {
    const frame = page.frameLocator('iframe[allow]')
    await fillCard(frame, { pan })
    await frame.locator('button[type="submit"]').click()
    await frame.locator('[data-state="success"]').waitFor({ timeout: 20_000 })
  }

  it('pays inline in target_element, with the events in order and no layout shift below 0.02', async () => {
    // Tall enough that the content below the form is on screen: only visible shifts count.
    const page = await browser.newPage({ viewport: { width: 1024, height: 1400 } })
    await page.addInitScript(() => {
      const w = window as unknown as { __cls: number }
      w.__cls = 0
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) {
          if (!entry.hadRecentInput) w.__cls += entry.value
        }
      }).observe({ type: 'layout-shift', buffered: true })
    })
    await page.goto(`${merchant.origin}/shop?p.target_element=epay-inline`)
    await page.click('#pay')
    await eventually(async () => ((await names(page)).includes('onLoaded') ? true : undefined), 20_000, 'onLoaded')
    await page.waitForTimeout(1000)
    const cls = (await page.evaluate('window.__cls')) as number
    const resized = (await events(page)).filter((e) => e.name === 'onResize').map((e) => e.data['height'])
    process.stdout.write(`inline widget layout shift while loading and resizing: ${cls.toFixed(5)} (heights ${resized.join(', ')})\n`)
    expect(resized.length).toBeGreaterThan(0)
    expect(cls).toBeLessThan(0.02)
    expect(await page.locator('#epay-inline iframe').count()).toBe(1)
    await payIn(page, '4242424242424242')
    await eventually(async () => ((await names(page)).includes('onPaymentSuccess') ? true : undefined), 10_000, 'onPaymentSuccess')
    const order = (await names(page)).filter((n) => ['onLoaded', 'onPaymentSent', 'onPaymentSuccess'].includes(n))
    expect(order).toEqual(['onLoaded', 'onPaymentSent', 'onPaymentSuccess'])
    await page.close()
  })

  type Box = { x: number; y: number; width: number; height: number }
  const boxOf = async (page: Page, selector: string): Promise<Box> => {
    const b = await page.locator(selector).boundingBox()
    if (!b) throw new Error(`${selector} is not on screen`)
    return { x: Math.round(b.x), y: Math.round(b.y), width: Math.round(b.width), height: Math.round(b.height) }
  }
  /** Waits until the dialog's box is `expected` (the frame reports its size a moment after a screen shows). */
  async function dialogStays(page: Page, expected: Box, what: string) {
    await eventually(async () => (JSON.stringify(await boxOf(page, '[role="dialog"]')) === JSON.stringify(expected) ? true : undefined), 3000, what).catch(() => undefined)
    expect(await boxOf(page, '[role="dialog"]'), `${what}: the dialog's box`).toEqual(expected)
  }
  /** The payment page's Pay button lies wholly inside the window. */
  async function payButtonInWindow(page: Page, height: number, what: string) {
    const pay = await page.frameLocator('iframe[allow]').locator('button[type="submit"]').boundingBox()
    expect(pay, what).not.toBeNull()
    expect(pay!.y, what).toBeGreaterThanOrEqual(0)
    expect(pay!.y + pay!.height, `${what}: Pay button bottom`).toBeLessThanOrEqual(height)
  }
  /** The page in the frame is the dialog's whole surface: no bar or edge of the widget's own colour. */
  async function frameIsTheSurface(page: Page) {
    const frame = await boxOf(page, 'iframe[allow]')
    const dialog = await boxOf(page, '[role="dialog"]')
    expect([frame.x, frame.width]).toEqual([dialog.x, dialog.width])
    expect(frame.y, 'frame top').toBeLessThanOrEqual(dialog.y)
    expect(frame.y + frame.height, 'frame bottom').toBeGreaterThanOrEqual(dialog.y + dialog.height)
  }

  for (const [lang, scheme] of [['en', 'light'], ['ru', 'dark']] as const) {
    it(`modal at 1280×800 (${lang}, ${scheme}): Pay in the window on the form, after Try again and with a saved card; the same box from form to decline to result`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, colorScheme: scheme })
      const shop = `${merchant.origin}/shop?lang=${lang}&p.customer_id=layout-${lang}-${Date.now()}`
      await page.goto(shop)
      await page.click('#pay')
      const frame = page.frameLocator('iframe[allow]')
      await frame.locator('[data-state="form"]').waitFor({ timeout: 20_000 })
      await payButtonInWindow(page, 800, 'method choice and card form')
      await frameIsTheSurface(page)
      // The page's palette is the modal's: light, or dark as the shopper's system is.
      const background = await frame.locator('html').evaluate((el) => getComputedStyle(el).backgroundColor)
      const [r, g, b] = background.match(/\d+/g)!.map(Number)
      expect((r! + g! + b!) / 3, background).toSatisfy((v: number) => (scheme === 'dark' ? v < 64 : v > 192))

      await fillCard(frame, { pan: '4000000000000002' })
      await frame.locator('input[autocomplete="cc-name"]').blur()
      const form = await boxOf(page, '[role="dialog"]')
      await frame.locator('button[type="submit"]').click()
      await frame.locator('[data-state="decline"]').waitFor({ timeout: 20_000 })
      await dialogStays(page, form, 'decline')
      await frameIsTheSurface(page)
      await frame.locator('.status button').click()
      await frame.locator('[data-state="form"]').waitFor()
      // The longest form: a line about the previous decline above the card fields. The modal
      // may grow for it, never shrink.
      await payButtonInWindow(page, 800, 'Try again after a decline')
      await frame.getByRole('checkbox').check()
      await fillCard(frame, { pan: '5555555555554444' })
      await frame.locator('input[autocomplete="cc-name"]').blur()
      await page.waitForTimeout(500)
      const retry = await boxOf(page, '[role="dialog"]')
      expect(retry.height).toBeGreaterThanOrEqual(form.height)
      await payButtonInWindow(page, 800, 'Try again, the card typed')
      await frame.locator('button[type="submit"]').click()
      await frame.locator('[data-state="success"]').waitFor({ timeout: 20_000 })
      await dialogStays(page, retry, 'success')
      await frameIsTheSurface(page)

      // The same customer again: the saved card, CVC only.
      await page.goto(shop)
      await page.click('#pay')
      await frame.locator('.saved-card').first().waitFor({ timeout: 20_000 })
      await payButtonInWindow(page, 800, 'saved card')
      await page.close()
    })
  }

  it('full-screen modal at 360 px (en, ru): labels on one line, and a short result fills the screen, shown from its top', async () => {
    for (const lang of ['en', 'ru']) {
      const page = await browser.newPage({ viewport: { width: 360, height: 740 } })
      await page.goto(`${merchant.origin}/shop?lang=${lang}`)
      await page.click('#pay')
      const frame = page.frameLocator('iframe[allow]')
      await frame.locator('[data-state="form"]').waitFor({ timeout: 20_000 })
      const wrapped = await frame.locator('main').evaluate((main) =>
        [...main.querySelectorAll<HTMLElement>('.field label, .choice__text, legend, .check label')]
          .filter((el) => el.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(el).lineHeight))
          .map((el) => el.textContent!.trim()),
      )
      expect(wrapped, `${lang}: labels on two lines or more`).toEqual([])
      expect(await boxOf(page, '[role="dialog"]')).toEqual({ x: 0, y: 0, width: 360, height: 740 })
      await fillCard(frame, { pan: '4242424242424242' })
      await frame.locator('button[type="submit"]').click()
      await frame.locator('[data-state="success"]').waitFor({ timeout: 20_000 })
      // The frame (the page's own background) reaches the bottom of the screen: no gap of another colour.
      await eventually(async () => {
        const f = await boxOf(page, 'iframe[allow]')
        return f.y <= 0 && f.y + f.height >= 740 ? true : undefined
      }, 3000, `${lang}: the frame down to the bottom of the screen`)
      // Scrolled back to the top after Pay, which sat low in the tall form: the summary is in sight.
      const summary = await frame.locator('.summary').boundingBox()
      expect(summary!.y, `${lang}: summary top`).toBeGreaterThanOrEqual(0)
      await page.close()
    }
  })

  it('ignores forged messages from another window, even with the right guid', async () => {
    const page = await browser.newPage()
    await page.goto(`${merchant.origin}/shop`)
    await page.click('#pay')
    await eventually(async () => ((await names(page)).includes('onLoaded') ? true : undefined), 20_000, 'onLoaded')
    const guid = new URL(await page.locator('iframe[allow]').getAttribute('src') ?? 'http://x/').searchParams.get('_guid')
    expect(guid).toMatch(/^[0-9a-f]{16,}$/)
    const height = await page.locator('iframe[allow]').evaluate((f) => f.getBoundingClientRect().height)
    // A sibling frame of another origin, and the merchant page's own window, both forge.
    await page.evaluate((src) => {
      const f = document.createElement('iframe')
      f.src = src
      document.body.appendChild(f)
    }, `${attackerOrigin}/?guid=${guid}`)
    await page.evaluate((g) => window.postMessage({ message: 'epframe.payment.success', guid: g, data: { payment_id: 'forged', status: 'success' } }, '*'), guid)
    await page.waitForTimeout(1500)
    expect(await names(page)).not.toContain('onPaymentSuccess')
    expect(await names(page)).not.toContain('onExit')
    expect(await page.locator('iframe[allow]').evaluate((f) => f.getBoundingClientRect().height)).toBe(height)
    // The real page still works afterwards.
    await payIn(page, '4242424242424242')
    await eventually(async () => ((await names(page)).includes('onPaymentSuccess') ? true : undefined), 10_000, 'onPaymentSuccess')
    expect((await events(page)).find((e) => e.name === 'onPaymentSuccess')!.data['payment_id']).not.toBe('forged')
    await page.close()
  })
})
