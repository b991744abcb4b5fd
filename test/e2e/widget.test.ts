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
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Widget Shop', '--secret', SECRET, '--callback-url', `${merchant.origin}/callbacks`, '--origin', merchant.origin, '--test'])
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
