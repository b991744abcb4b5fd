import { createHash } from 'node:crypto'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { callbackHeader } from '../../server/signature/signature.ts'
import { CHROMIUM_LAUNCH, ROOT, browserAvailable, cli, eventually, freePort, serverEnv, startServer, fillCard, type ServerProcess } from './harness.ts'
import { startMerchantSite } from './merchant-site.ts'
import { dataDir as freshDataDir } from './data-dir.ts'

const SECRET = 'e2e-secret-for-project-9001'
const PROJECT = 9001
// Card data typed in the browser; afterwards nothing on disk or in any output may contain it.
const SUCCESS_PAN = '4242424242424242'
const DECLINE_PAN = '4000000000000002'
const CVC = '731'

describe.skipIf(!browserAvailable())('card payment in the widget, merchant and EPay on different origins', () => {
  let server: ServerProcess
  let merchant: Awaited<ReturnType<typeof startMerchantSite>>
  let browser: Browser
  let dataDir: string

  beforeAll(async () => {
    const port = await freePort()
    dataDir = freshDataDir('epay-e2e-')
    const env = serverEnv(port, { dataDir })
    const widget = readFileSync(join(ROOT, 'dist/widget/merchant.js'))
    const integrity = `sha384-${createHash('sha384').update(widget).digest('base64')}`
    merchant = await startMerchantSite({ epayUrl: `http://localhost:${port}`, projectId: PROJECT, secret: SECRET, widgetIntegrity: integrity })
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'E2E Shop', '--secret-stdin', '--callback-url', `${merchant.origin}/callbacks`, '--origin', merchant.origin, '--test'], SECRET)
    server = await startServer(env)
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await merchant?.close()
  })

  async function payInWidget(pan: string): Promise<{ page: Page; state: string; paymentId: string }> {
    const page = await browser.newPage()
    const paymentId = `e2e-${pan.slice(-4)}-${Date.now()}`
    await page.goto(`${merchant.origin}/shop?payment_id=${paymentId}`)
    await page.click('#pay')
    const frame = page.frameLocator('iframe')
    await fillCard(frame, { pan, cvc: CVC })
    await frame.locator('button[type="submit"]').click()
    const final = frame.locator('[data-state="success"], [data-state="decline"]')
    await final.first().waitFor({ timeout: 20_000 })
    return { page, state: (await final.first().getAttribute('data-state'))!, paymentId }
  }

  it('pays with 4242… in the modal, fires widget events and delivers a signed callback', async () => {
    const { page, state, paymentId } = await payInWidget(SUCCESS_PAN)
    expect(state).toBe('success')
    const events = await eventually(async () => {
      const list = (await page.evaluate('window.__events')) as Array<{ name: string; data: Record<string, string> }>
      return list.some((e) => e.name === 'onPaymentSuccess') ? list : undefined
    }, 10_000, 'onPaymentSuccess')
    const names = events.map((e) => e.name)
    expect(names.indexOf('onLoaded')).toBeLessThan(names.indexOf('onPaymentSent'))
    expect(names.indexOf('onPaymentSent')).toBeLessThan(names.indexOf('onPaymentSuccess'))
    expect(JSON.stringify(events)).not.toContain(SUCCESS_PAN)

    const callback = await eventually(() => merchant.callbacks.find((c) => (c.body['payment'] as { id?: string }).id === paymentId), 20_000, 'callback')
    expect(callback.signatureValid).toBe(true)
    expect(callback.body).toMatchObject({ payment: { status: 'success', sum: { amount: 1999, currency: 'EUR' } }, operation: { type: 'sale', status: 'success' } })
    const [, t] = /^t=(\d+),/.exec(String(callback.headers['x-epay-signature']))!
    expect(callback.headers['x-epay-signature']).toBe(callbackHeader(callback.raw, SECRET, Number(t)))
    await page.close()
  })

  it('ends declined with 4000 0000 0000 0002 and reports the failure to the merchant', async () => {
    const { page, state, paymentId } = await payInWidget(DECLINE_PAN)
    expect(state).toBe('decline')
    await eventually(async () => {
      const list = (await page.evaluate('window.__events')) as Array<{ name: string }>
      return list.some((e) => e.name === 'onPaymentFail') || undefined
    }, 10_000, 'onPaymentFail')
    const callback = await eventually(() => merchant.callbacks.find((c) => (c.body['payment'] as { id?: string }).id === paymentId), 20_000, 'callback')
    expect(callback.signatureValid).toBe(true)
    // Attempts remain on the page: ECommPay's `awaiting customer`, not yet a final decline.
    expect(callback.body).toMatchObject({ payment: { status: 'awaiting customer', is_new_attempts_available: true }, operation: { status: 'decline', code: '20102' } })
    await page.close()
  })

  it('leaves no card number or CVC in the database files, the logs or the callbacks', async () => {
    await server.stop()
    const needles = [SUCCESS_PAN, DECLINE_PAN]
    const files = walk(dataDir)
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const needle of needles) expect(bytes.includes(Buffer.from(needle)), `${needle} in ${file}`).toBe(false)
      expect(bytes.includes(Buffer.from(`"cvc":"${CVC}"`)), `CVC in ${file}`).toBe(false)
    }
    const outputs = [server.output(), ...merchant.callbacks.map((c) => c.raw)]
    for (const text of outputs) {
      for (const needle of needles) expect(text).not.toContain(needle)
      expect(text).not.toMatch(new RegExp(`\\b${CVC}\\b`))
    }
  })
})

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}
