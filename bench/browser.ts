import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser } from 'playwright-core'
import { CHROMIUM_LAUNCH } from '../test/e2e/harness.ts'

/**
 * Lighthouse's "mobileSlow4G" preset — what DevTools calls Fast 3G — applied the way Lighthouse's
 * DevTools throttling does: 150 ms RTT × 3.75 = 562.5 ms request latency, 1.6 Mbps × 0.9 down,
 * 750 Kbps × 0.9 up (Kbps of 1024 bits), plus a 4× CPU slowdown.
 */
export const FAST_3G = {
  offline: false,
  latency: 150 * 3.75,
  downloadThroughput: Math.floor((1.6 * 1024 * 0.9 * 1024) / 8),
  uploadThroughput: Math.floor((750 * 0.9 * 1024) / 8),
} as const
export const CPU_SLOWDOWN = 4

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch(CHROMIUM_LAUNCH)
}

/**
 * Loads `url()` in a fresh context (empty cache) under the throttling and returns its largest
 * contentful paint, once `ready` (a selector) is visible and the page has been quiet for a second.
 */
export async function measureLcp(browser: Browser, url: string, ready: string, throttled: boolean) {
  const context = await browser.newContext()
  const page = await context.newPage()
  const requests: string[] = []
  page.on('request', (r) => requests.push(new URL(r.url()).pathname))
  await page.addInitScript(() => {
    const w = window as unknown as { __cls: number }
    w.__cls = 0
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.__cls += e.value
    }).observe({ type: 'layout-shift', buffered: true })
  })
  if (throttled) {
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.emulateNetworkConditions', FAST_3G)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
  }
  await page.goto(url, { waitUntil: 'load', timeout: 60_000 })
  await page.locator(ready).first().waitFor({ timeout: 60_000 })
  await page.waitForTimeout(1000)
  const lcp = await page.evaluate(
    () =>
      new Promise<{ time: number; element: string }>((resolve) => {
        let last = { time: 0, element: '' }
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as Array<PerformanceEntry & { element?: Element | null }>) {
            last = { time: e.startTime, element: e.element ? `${e.element.tagName.toLowerCase()}${e.element.className ? '.' + String(e.element.className).split(' ')[0] : ''}` : '' }
          }
        }).observe({ type: 'largest-contentful-paint', buffered: true })
        setTimeout(() => resolve(last), 200)
      }),
  )
  const cls = await page.evaluate(() => (window as unknown as { __cls: number }).__cls)
  await context.close()
  return { ...lcp, cls, requests }
}

/**
 * Cumulative layout shift of a merchant page that embeds the payment page inline on load
 * (`target_element`), over `ms` with no user input, so every shift counts.
 */
export async function measureMerchantCls(browser: Browser, epayUrl: string, signed: Record<string, string>, port: number, ms = 4000): Promise<number> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
<style>body{font:16px system-ui;margin:0 auto;max-width:40rem;padding:1rem}#pay{min-height:420px}</style></head><body>
<h1>Checkout</h1><p>Your order: espresso machine.</p><div id="pay"></div><footer><p>Shipping and returns.</p><p>Contact us.</p></footer>
<script src="${epayUrl}/widget/v1/merchant.js"></script>
<script>EPayWidget.run(Object.assign(${JSON.stringify(signed)}, { baseUrl: ${JSON.stringify(epayUrl)}, target_element: 'pay' }))</script>
</body></html>`
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html))
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const context = await browser.newContext()
  const page = await context.newPage()
  try {
    await page.addInitScript(() => {
      const w = window as unknown as { __cls: number }
      w.__cls = 0
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.__cls += e.value
      }).observe({ type: 'layout-shift', buffered: true })
    })
    await page.goto(`http://127.0.0.1:${port}/`, { waitUntil: 'load' })
    await page.waitForTimeout(ms)
    return await page.evaluate(() => (window as unknown as { __cls: number }).__cls)
  } finally {
    await context.close()
    await new Promise<void>((r) => server.close(() => r()))
  }
}

/**
 * The browser's own floor under the same throttling: a one-paragraph page (the text of the
 * payment page's test hint, its LCP element) served gzipped from loopback, in a fresh context
 * each time. What the payment page's LCP takes beyond this is the page's; this much is the
 * network profile's latency plus Chromium's start of a document at 4× CPU on this machine.
 */
export async function measureFloorLcp(browser: Browser, runs: number): Promise<number[]> {
  const html = gzipSync('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Floor</title></head>'
    + '<body><p>Use card 4242 4242 4242 4242, any future date, any CVC.</p></body></html>')
  const server: Server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-encoding': 'gzip', 'cache-control': 'no-store' }).end(html))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const { port } = server.address() as AddressInfo
    const times: number[] = []
    for (let i = 0; i < runs; i++) times.push((await measureLcp(browser, `http://127.0.0.1:${port}/?${i}`, 'p', true)).time)
    return times
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
