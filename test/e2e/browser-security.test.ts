import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { chromium, type Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { CHROMIUM_LAUNCH, browserAvailable, cli, freePort, serverEnv, startServer, fillCard, type ServerProcess } from './harness.ts'
import { dataDir } from './data-dir.ts'

const SECRET = 'browser-security-secret'
const PROJECT = 9100
const ALLOWED = 'http://127.0.0.1:1' // the project's only framing origin; the test pages use others

describe.skipIf(!browserAvailable())('browser security of the payment page', () => {
  let server: ServerProcess
  let browser: Browser
  let framer: Server
  let framerOrigin: string

  beforeAll(async () => {
    const port = await freePort()
    const env = serverEnv(port, { dataDir: dataDir('epay-sec-') })
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Security Shop', '--secret-stdin', '--origin', ALLOWED, '--return-host', 'shop.example', '--test'], SECRET)
    server = await startServer(env)
    browser = await chromium.launch(CHROMIUM_LAUNCH)
    // A page on an origin the project never allowed, trying to frame the payment page.
    framer = createServer((req, res) => {
      const src = new URL(req.url ?? '/', 'http://x').searchParams.get('src') ?? ''
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><iframe id="f" src="${src.replace(/"/g, '&quot;')}"></iframe>`)
    })
    await new Promise<void>((r) => framer.listen(0, '127.0.0.1', r))
    framerOrigin = `http://127.0.0.1:${(framer.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await new Promise<void>((r) => (framer ? framer.close(() => r()) : r()))
  })

  const paymentUrl = (extra: Record<string, string> = {}) => {
    const params = { project_id: String(PROJECT), payment_id: `sec-${Date.now()}-${Math.random()}`, payment_amount: '1500', payment_currency: 'EUR', ...extra }
    return `${server.url}/payment?${new URLSearchParams({ ...params, signature: sign(params, SECRET) })}`
  }

  it('renders merchant text as text and runs no injected script (nonce CSP)', async () => {
    const page = await browser.newPage()
    const violations: string[] = []
    await page.exposeFunction('reportViolation', (d: string) => violations.push(d))
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) => (window as unknown as { reportViolation(d: string): void }).reportViolation(e.violatedDirective))
    })
    const evil = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
    const response = await page.goto(paymentUrl({ payment_description: evil }))
    const csp = response!.headers()['content-security-policy']!
    expect(csp).toMatch(/script-src 'nonce-[^']+' 'strict-dynamic'/)
    expect(csp).toContain("base-uri 'none'")
    expect(csp).toContain("object-src 'none'")
    await page.waitForSelector('[data-state="form"]')
    expect(await page.getByText(evil).count()).toBe(1)
    // Markup injected into the live page: its inline handler must be refused by the CSP.
    await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<img src="data:," onerror="window.__pwned=3" onload="window.__pwned=3">'))
    await page.waitForTimeout(300)
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
    expect(violations.some((d) => d.startsWith('script-src'))).toBe(true)
    await page.close()
  })

  it('makes no request to any other origin while loading and paying', async () => {
    const page = await browser.newPage()
    const origins = new Set<string>()
    page.on('request', (r) => {
      if (!r.url().startsWith('data:')) origins.add(new URL(r.url()).origin)
    })
    await page.goto(paymentUrl())
    await fillCard(page, { pan: '4242424242424242' })
    await page.click('button[type="submit"]')
    await page.waitForSelector('[data-state="success"]')
    expect([...origins]).toEqual([server.url])
    await page.close()
  })

  it('cannot be framed by an origin the project did not allow', async () => {
    const page = await browser.newPage()
    const blocked: string[] = []
    page.on('console', (m) => {
      if (/frame-ancestors/.test(m.text())) blocked.push(m.text())
    })
    await page.goto(`${framerOrigin}/?src=${encodeURIComponent(paymentUrl())}`)
    await page.waitForTimeout(1500)
    const frame = page.frames().find((f) => f !== page.mainFrame())!
    expect(await frame.locator('input[autocomplete="cc-number"]').count()).toBe(0)
    expect(blocked.length).toBeGreaterThan(0)
    await page.close()
  })

  it.each([
    ['https://shop.example@evil.example/'],
    ['//evil.example/'],
    ['javascript:alert(1)'],
    ['https://evil.example/'],
  ])('refuses the return URL %s with an error page', async (url) => {
    const page = await browser.newPage()
    const response = await page.goto(paymentUrl({ merchant_success_url: url }))
    expect(response!.status()).toBe(400)
    expect(await page.locator('[data-state="error"]').count()).toBe(1)
    await page.close()
  })
})
