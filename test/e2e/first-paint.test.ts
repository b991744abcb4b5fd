import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { CHROMIUM_LAUNCH, browserAvailable, cli, freePort, serverEnv, startServer, tempDir, type ServerProcess } from './harness.ts'

const SECRET = 'e2e-secret-first-paint'
const PROJECT = 9015

// SPEC §13, issue #15 item 1: the answer of /payment paints by itself — the amount and
// everything around it are in that first response, styled, in the shopper's language — and the
// app then takes the screen over without moving what the shopper already sees.
describe.skipIf(!browserAvailable())('the first paint of the payment page needs one response', () => {
  let server: ServerProcess
  let browser: Browser
  let base: string

  beforeAll(async () => {
    const port = await freePort()
    const env = serverEnv(port, { dataDir: tempDir('epay-e2e-paint-') })
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Paint & Co', '--secret-stdin', '--test'], SECRET)
    server = await startServer(env)
    base = `http://127.0.0.1:${port}`
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  const url = (lang: string) => {
    const params = { project_id: PROJECT, payment_id: `paint-${lang}-${Date.now()}-${Math.random()}`, payment_amount: 1999, payment_currency: 'EUR', payment_description: 'Espresso machine', language_code: lang }
    const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
    query.set('signature', sign(params, SECRET))
    return `${base}/payment?${query}`
  }

  const cases = [
    { lang: 'en', amount: '€19.99', badge: 'Test payment', title: 'Payment to Paint & Co' },
    { lang: 'ru', amount: '19,99\u00a0€', badge: 'Тестовый платёж', title: 'Оплата: Paint & Co' },
  ] as const

  for (const c of cases) {
    it(`${c.lang}: the HTML answer itself holds the styled amount, merchant, badge and the language's words`, async () => {
      const response = await fetch(url(c.lang), { headers: { 'accept-encoding': 'gzip, br' } })
      expect(response.status).toBe(200)
      const html = await response.text()
      expect(html).toContain(`<html lang="${c.lang}"`)
      expect(html).toMatch(new RegExp(`<p class="summary__amount">.*${c.amount.replace('.', '\\.')}</p>`))
      expect(html).toContain('Paint &amp; Co')
      expect(html).toContain(c.badge)
      expect(html).toContain('Espresso machine')
      // The CSS is in the page: no stylesheet request stands before the first paint.
      expect(html).not.toMatch(/<link[^>]+stylesheet/)
      expect(html).toMatch(/<style nonce="[^"]+">/)
      expect(html).toContain('id="epay-i18n"')
    })

    it(`${c.lang}: with scripts off the amount is on screen, styled, and nothing but the page was fetched`, async () => {
      const context = await browser.newContext({ javaScriptEnabled: false })
      const page = await context.newPage()
      const requests: string[] = []
      page.on('request', (r) => requests.push(new URL(r.url()).pathname))
      await page.goto(url(c.lang), { waitUntil: 'load' })
      const amount = page.locator('.summary__amount')
      await expect(amount.textContent()).resolves.toContain(c.amount)
      expect(await amount.isVisible()).toBe(true)
      // Styled by the inline CSS: the amount is the page's large figure.
      expect(await amount.evaluate((e) => getComputedStyle(e).fontWeight)).toBe('700')
      expect(await page.locator('.badge').textContent()).toBe(c.badge)
      expect(await page.title()).toBe(c.title)
      expect(requests.filter((p) => p.endsWith('.css'))).toEqual([])
      await context.close()
    })

    it(`${c.lang}: the largest paint is an element of the first response, the app hydrates it without layout shift, no language chunk is fetched`, async () => {
      const context = await browser.newContext()
      const page = await context.newPage()
      const requests: string[] = []
      page.on('request', (r) => requests.push(new URL(r.url()).pathname))
      await page.addInitScript(() => {
        const w = window as unknown as { __cls: number; __lcp: string }
        w.__cls = 0
        w.__lcp = ''
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) if (!e.hadRecentInput) w.__cls += e.value
        }).observe({ type: 'layout-shift', buffered: true })
        new PerformanceObserver((list) => {
          for (const e of list.getEntries() as Array<PerformanceEntry & { element?: Element | null }>) w.__lcp = e.element?.textContent ?? ''
        }).observe({ type: 'largest-contentful-paint', buffered: true })
      })
      const address = url(c.lang)
      await page.goto(address, { waitUntil: 'load' })
      await page.locator('input[autocomplete="cc-number"]').waitFor()
      await page.locator('main[data-state="form"]').waitFor()
      await page.waitForTimeout(300)
      const { cls, lcp } = await page.evaluate(() => {
        const w = window as unknown as { __cls: number; __lcp: string }
        return { cls: w.__cls, lcp: w.__lcp }
      })
      expect(cls).toBeLessThan(0.01)
      expect(lcp.length).toBeGreaterThan(0)
      // The same words come in the server's HTML of a fresh open of that page (the LCP element's text).
      const html = await (await fetch(url(c.lang))).text()
      expect(html.replace(/&amp;/g, '&')).toContain(lcp)
      expect(await page.evaluate(() => document.documentElement.lang)).toBe(c.lang)
      expect(await page.locator('.badge').textContent()).toBe(c.badge)
      expect(requests.filter((p) => /\/page\/assets\/(?!index-)[a-z]{2}-[^/]+\.js$/.test(p))).toEqual([])
      expect(requests.filter((p) => p.endsWith('.css'))).toEqual([])
      await context.close()
    })
  }
})
