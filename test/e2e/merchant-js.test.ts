import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser, type Frame, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { CHROMIUM_LAUNCH, browserAvailable, cli, eventually, fillCard, freePort, serverEnv, startServer, tempDir, type ServerProcess } from './harness.ts'

const SECRET = 'merchant-js-e2e-secret'
const PROJECT = 9310

type Event = { name: string; data: unknown }

/**
 * A checkout page written for ECommPay's own merchant.js, unchanged but for the script's host:
 * `EPayWidget.bind` for a modal on a button, `runEmbedded(params, 'POST')` with the shop's own
 * "Place order" button calling `trySubmit()`, no `baseUrl` (the script's origin is EPay's).
 */
async function startShop(epayUrl: string) {
  let counter = 0
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    // Card only: with a method choice, its first radio would be the page's first field.
    const base = { project_id: PROJECT, payment_amount: 1999, payment_currency: 'EUR', language_code: 'en', customer_id: 'c-1', force_payment_method: 'card' }
    const modal = { ...base, payment_id: `mjs-modal-${Date.now()}-${++counter}` }
    const embedded = { ...base, payment_id: `mjs-embedded-${Date.now()}-${++counter}`, target_element: 'card-here' }
    const signed = (p: Record<string, string | number>) => ({ ...p, signature: sign(p, SECRET) })
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><title>Checkout</title></head><body>
<h1>Checkout</h1>
<button id="pay">Pay by card</button>
<section><h2>Or pay here</h2><div id="card-here"></div><button id="place-order">Place order</button></section>
<script src="${epayUrl}/shared/merchant.js"></script>
<script>
window.__events = []
const record = (name) => (data) => { window.__events.push({ name, data }) }
const callbacks = (prefix) => ({
  onLoaded: record(prefix + 'onLoaded'), onPaymentSent: record(prefix + 'onPaymentSent'),
  onPaymentSuccess: record(prefix + 'onPaymentSuccess'), onPaymentFail: record(prefix + 'onPaymentFail'),
  onExit: record(prefix + 'onExit'), onDestroy: record(prefix + 'onDestroy'),
})
EPayWidget.bind('pay', Object.assign(${JSON.stringify(signed(modal))}, callbacks('modal.')))
if (${JSON.stringify(url.searchParams.has('embedded'))}) {
  const widget = EPayWidget.runEmbedded(Object.assign(${JSON.stringify(signed(embedded))}, callbacks('embedded.'), {
    onEmbeddedModeCheckValidationResponse: record('embedded.onEmbeddedModeCheckValidationResponse'),
    onValidationError: record('embedded.onValidationError'),
  }), 'POST')
  document.getElementById('place-order').addEventListener('click', () => widget.trySubmit())
}
</script></body></html>`)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) }
}

describe.skipIf(!browserAvailable())('a page written for ECommPay merchant.js, on EPay', () => {
  let server: ServerProcess
  let shop: Awaited<ReturnType<typeof startShop>>
  let browser: Browser

  beforeAll(async () => {
    const port = await freePort()
    // The "acquirer timeout" card stays in processing this long before a status query settles it.
    const env = { ...serverEnv(port, { dataDir: tempDir('epay-merchant-js-') }), EPAY_ACQUIRER_TIMEOUT_MS: '4000' }
    shop = await startShop(`http://localhost:${port}`)
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Merchant.js Shop', '--secret-stdin', '--origin', shop.origin, '--test'], SECRET)
    // Start-up is not what this file checks; on a shared, loaded machine it can pass 30 s.
    server = await startServer(env, { timeoutMs: 120_000 })
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  }, 240_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await shop?.close()
  })

  const events = async (page: Page) => (await page.evaluate('window.__events')) as Event[]
  const names = async (page: Page) => (await events(page)).map((e) => e.name)
  const waitForEvent = (page: Page, name: string, timeoutMs = 20_000) =>
    eventually(async () => ((await names(page)).includes(name) ? true : undefined), timeoutMs, name)
  const paymentFrame = async (page: Page): Promise<Frame> => {
    const handle = await page.locator('iframe[allow]').elementHandle()
    return (await handle!.contentFrame())!
  }
  /** Waits until the frame's height is its page's content height: no resize left in flight. */
  async function frameFitsContent(page: Page, selector: string): Promise<void> {
    const frame = (await (await page.locator(selector).elementHandle())!.contentFrame())!
    await eventually(async () => {
      const content = await frame.evaluate(() => Math.ceil(document.documentElement.getBoundingClientRect().height))
      const height = await page.locator(selector).evaluate((el) => (el as HTMLElement).clientHeight)
      return Math.max(200, content) === height || undefined
    }, 10_000, 'the frame to fit its content')
  }
  /** Where focus is: the frame's focused field (by autocomplete, else its text), or the page's element. */
  async function focused(page: Page, inFrame?: Frame): Promise<string> {
    // An evaluate has no timeout of its own: one that never answers fails here, named, in
    // seconds, instead of holding the test until its 120 s limit.
    return bounded(5_000, 'reading where focus is', async () => {
      const top = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null
        return el?.tagName === 'IFRAME' ? 'frame' : el?.getAttribute('aria-label') ?? el?.id ?? el?.tagName ?? 'none'
      })
      if (top !== 'frame') return top
      const frame = inFrame ?? (await paymentFrame(page))
      return frame.evaluate(() => {
        const el = document.activeElement as HTMLElement | null
        return 'frame:' + (el?.getAttribute('autocomplete') || el?.textContent?.trim() || `${el?.tagName}${el?.getAttribute('type') ? `[${el.getAttribute('type')}]` : ''}`)
      })
    })
  }
  async function bounded<T>(ms: number, what: string, run: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      return await Promise.race([run(), new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms)))])
    } finally {
      clearTimeout(timer)
    }
  }

  it('embedded mode: runEmbedded(params, "POST") inline, the shop\'s own button validates through trySubmit, then pays', async () => {
    // Tall enough that "Place order" needs no scrolling: right after a scroll, Chromium can route
    // a synthetic click by the cross-site frame's stale hit-test area to the frame instead.
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } })
    await page.goto(`${shop.origin}/checkout?embedded`)
    await waitForEvent(page, 'embedded.onLoaded')
    expect(await page.locator('#card-here iframe[allow]').count()).toBe(1)
    await page.click('#place-order')
    await waitForEvent(page, 'embedded.onValidationError')
    const errors = (await events(page)).find((e) => e.name === 'embedded.onValidationError')!.data as Record<string, string>
    expect(Object.keys(errors).sort()).toEqual(['cvc', 'expiry', 'holder', 'number'])
    expect(await names(page)).not.toContain('embedded.onPaymentSent')
    await fillCard(page.frameLocator('#card-here iframe'), { pan: '4242424242424242' })
    // The error lines went away, so the frame shrinks (resize message, then the merchant's layout)
    // and "Place order" moves up: clicked before that lands, the click would hit where it was.
    await frameFitsContent(page, '#card-here iframe')
    await page.click('#place-order')
    await waitForEvent(page, 'embedded.onPaymentSuccess')
    const seen = await events(page)
    expect(seen.filter((e) => e.name === 'embedded.onEmbeddedModeCheckValidationResponse').map((e) => e.data)).toEqual([errors, {}])
    const success = seen.find((e) => e.name === 'embedded.onPaymentSuccess')!.data as { payment_id: string }
    expect(success.payment_id).toMatch(/^mjs-embedded-/)
    await page.close()
  })

  it('modal by bind(): focus starts on the card number, Tab cycles inside, Esc in the card field closes and focus returns', { timeout: 60_000 }, async () => {
    const page = await browser.newPage()
    page.setDefaultTimeout(20_000)
    await page.goto(`${shop.origin}/checkout`)
    await page.click('#pay')
    await waitForEvent(page, 'modal.onLoaded')
    const pf = await paymentFrame(page)
    const at = () => focused(page, pf)
    await eventually(async () => ((await at()) === 'frame:cc-number' ? true : undefined), 5000, 'focus on the card number')
    await page.screenshot({ path: '.tmp/merchant-js-modal-1280.png' })

    // One full round: card number … Pay, ×, and on to the card number and the expiry again.
    const stops: string[] = []
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab')
      stops.push(await at())
    }
    process.stdout.write(`Tab order in the modal: ${stops.join(' → ')}\n`)
    // Never outside the dialog: only the frame's fields and the close button.
    for (const stop of stops) expect(stop === 'Close' || stop.startsWith('frame:')).toBe(true)
    expect(stops).toContain('Close')
    // After the × comes the card number again: Tab wrapped around.
    expect(stops[stops.indexOf('Close') + 1]).toBe('frame:cc-number')
    // Shift+Tab runs the other way: from the first field to ×, from × to the page's last stop.
    // Focus crosses the out-of-process frame asynchronously: on a busy machine a read straight
    // after the key can still see the previous stop, so each stop is awaited (5 s), not sampled.
    const reaches = (want: string) => eventually(async () => ((await at()) === want ? true : undefined), 5000, `focus on ${want}`)
    await page.keyboard.press('Shift+Tab')
    await reaches('frame:cc-number')
    await page.keyboard.press('Shift+Tab')
    await reaches('Close')
    await page.keyboard.press('Shift+Tab')
    await reaches(stops[stops.indexOf('Close') - 1]!)

    await page.frameLocator('iframe[allow]').locator('input[autocomplete="cc-number"]').click()

    await page.keyboard.press('Escape')
    await waitForEvent(page, 'modal.onDestroy')
    expect(await page.locator('[role="dialog"]').count()).toBe(0)
    expect((await names(page)).filter((n) => n.startsWith('modal.'))).toEqual(['modal.onLoaded', 'modal.onExit', 'modal.onDestroy'])
    await eventually(async () => ((await focused(page)) === 'pay' ? true : undefined), 5000, 'focus back on the shop\'s Pay button')
    await page.close()
  })

  it('closing during processing asks first; closed anyway, onPaymentSuccess still fires when the result arrives', async () => {
    // At phone width, where the modal is full screen.
    const page = await browser.newPage({ viewport: { width: 360, height: 740 } })
    const dialogs: string[] = []
    let accept = false
    page.on('dialog', (d) => {
      dialogs.push(d.message())
      void (accept ? d.accept() : d.dismiss())
    })
    await page.goto(`${shop.origin}/checkout`)
    await page.click('#pay')
    await waitForEvent(page, 'modal.onLoaded')
    const frame = page.frameLocator('iframe[allow]')
    // The acquirer's answer never comes for this card: the page shows "processing" until a status query settles it.
    await fillCard(frame, { pan: '4000000000000119' })
    await frame.locator('button[type="submit"]').click()
    await waitForEvent(page, 'modal.onPaymentSent')
    await page.screenshot({ path: '.tmp/merchant-js-processing-360.png' })
    await page.click('button[aria-label="Close"]')
    expect(dialogs).toHaveLength(1)
    expect(await page.locator('[role="dialog"]').isVisible()).toBe(true)
    accept = true
    await page.click('button[aria-label="Close"]')
    expect(dialogs).toHaveLength(2)
    expect(await page.locator('[role="dialog"]').isVisible()).toBe(false)
    expect(await names(page)).not.toContain('modal.onPaymentSuccess')
    await waitForEvent(page, 'modal.onDestroy', 30_000)
    const order = (await names(page)).filter((n) => n.startsWith('modal.'))
    expect(order).toEqual(['modal.onLoaded', 'modal.onPaymentSent', 'modal.onExit', 'modal.onPaymentSuccess', 'modal.onDestroy'])
    expect(await page.locator('iframe[allow]').count()).toBe(0)
    await page.close()
  })
})
