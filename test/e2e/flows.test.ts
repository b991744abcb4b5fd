import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type FrameLocator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { CHROMIUM_LAUNCH, browserAvailable, cli, eventually, freePort, serverEnv, startServer, fillCard, type ServerProcess } from './harness.ts'
import { startMerchantSite } from './merchant-site.ts'
import { dataDir as freshDataDir } from './data-dir.ts'

const SECRET = 'flows-secret'
const PROJECT = 9200
const CARDS = { ok: '4242424242424242', decline: '4000000000000002', threeDs: '4000000000003220', timeout: '4000000000000119' }
// Distinctive CVCs, so the search at the end cannot mistake other digits for them.
const CVC = '587'
const SAVED_CARD_CVC = '964'

type Mode = 'modal' | 'full-page'

describe.skipIf(!browserAvailable())('payment flows in Chromium', () => {
  let server: ServerProcess
  let merchant: Awaited<ReturnType<typeof startMerchantSite>>
  let browser: Browser
  let dataDir: string

  beforeAll(async () => {
    const port = await freePort()
    dataDir = freshDataDir('epay-flows-')
    const env = { ...serverEnv(port, { dataDir }), EPAY_ACQUIRER_TIMEOUT_MS: '1000' }
    merchant = await startMerchantSite({ epayUrl: `http://localhost:${port}`, projectId: PROJECT, secret: SECRET })
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Flows Shop', '--secret-stdin', '--callback-url', `${merchant.origin}/callbacks`, '--origin', merchant.origin, '--test'], SECRET)
    server = await startServer(env)
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await merchant?.close()
  })

  /** Opens a payment in the chosen mode and returns the page and where the payment page lives. */
  async function openPayment(mode: Mode, extra: Record<string, string> = {}): Promise<{ page: Page; pay: Page | FrameLocator; paymentId: string }> {
    const page = await browser.newPage()
    const paymentId = `flow-${mode}-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`
    if (mode === 'modal') {
      const query = new URLSearchParams({ payment_id: paymentId, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [`p.${k}`, v])) })
      if (extra['payment_amount']) query.set('amount', extra['payment_amount'])
      await page.goto(`${merchant.origin}/shop?${query}`)
      await page.click('#pay')
      return { page, pay: page.frameLocator('iframe'), paymentId }
    }
    const params = { project_id: String(PROJECT), payment_id: paymentId, payment_amount: '1999', payment_currency: 'EUR', language_code: 'en', ...extra }
    await page.goto(`${server.url}/payment?${new URLSearchParams({ ...params, signature: sign(params, SECRET) })}`)
    return { page, pay: page, paymentId }
  }

  async function typeCard(pay: Page | FrameLocator, pan: string): Promise<void> {
    await fillCard(pay, { pan, cvc: CVC })
    await pay.locator('button[type="submit"]').click()
  }

  const state = async (pay: Page | FrameLocator, expected: string, timeout = 20_000) => {
    await pay.locator(`[data-state="${expected}"]`).first().waitFor({ timeout })
  }

  /** Exactly one signed callback per final operation of this payment; returns them. */
  async function callbacksOf(paymentId: string, expectedStatuses: string[]) {
    const mine = () => merchant.callbacks.filter((c) => (c.body['payment'] as { id?: string }).id === paymentId)
    await eventually(() => (mine().length >= expectedStatuses.length ? true : undefined), 20_000, `callbacks of ${paymentId}`)
    await new Promise((r) => setTimeout(r, 300))
    const list = mine()
    expect(list.map((c) => (c.body['operation'] as { status: string }).status)).toEqual(expectedStatuses)
    expect(list.every((c) => c.signatureValid)).toBe(true)
    const operationIds = list.map((c) => (c.body['operation'] as { id: number }).id)
    expect(new Set(operationIds).size).toBe(operationIds.length)
    return list
  }

  // Each flow has its own page, payment and customer: they run side by side, so the waits on the
  // simulated acquirer overlap instead of adding up. The data-file search below runs after them.
  describe.concurrent.each<Mode>(['full-page', 'modal'])('%s', (mode) => {
    it('frictionless success', async () => {
      const { page, pay, paymentId } = await openPayment(mode)
      await typeCard(pay, CARDS.ok)
      await state(pay, 'success')
      await callbacksOf(paymentId, ['success'])
      await page.close()
    })

    it.each([['confirm', 'success', 'Confirm'], ['fail', 'decline', 'Fail authentication']] as const)('3-D Secure %s', async (_d, final, button) => {
      const { page, pay, paymentId } = await openPayment(mode)
      await typeCard(pay, CARDS.threeDs)
      await pay.getByRole('button', { name: button }).click({ timeout: 20_000 })
      await state(pay, final)
      await callbacksOf(paymentId, [final])
      await page.close()
    })

    it.each([['Success', 'success', '1500'], ['Decline', 'decline', '1500']] as const)('Jeton wallet %s', async (button, final, amount) => {
      const { page, pay, paymentId } = await openPayment(mode, { payment_amount: amount })
      await pay.getByRole('radio', { name: /jeton/i }).check()
      await pay.locator('button[type="submit"]').click()
      await pay.getByRole('button', { name: button, exact: true }).click({ timeout: 20_000 })
      await state(pay, final)
      await callbacksOf(paymentId, [final])
      await page.close()
    })

    it('acquirer timeout resolved to success by a status query', async () => {
      const { page, pay, paymentId } = await openPayment(mode)
      await typeCard(pay, CARDS.timeout)
      await state(pay, 'processing')
      await state(pay, 'success', 30_000)
      await callbacksOf(paymentId, ['success'])
      await page.close()
    })

    it('decline, then retry with another card to success', async () => {
      const { page, pay, paymentId } = await openPayment(mode)
      await typeCard(pay, CARDS.decline)
      await state(pay, 'decline')
      await pay.getByRole('button', { name: /try again/i }).click()
      await typeCard(pay, CARDS.ok)
      await state(pay, 'success')
      await callbacksOf(paymentId, ['decline', 'success'])
      await page.close()
    })

    // The test's own expect: expect.poll needs it in a concurrent test.
    it('saves a card, pays with it and deletes it', async ({ expect }) => {
      const customer = `cust-${mode}-${Date.now()}`
      const first = await openPayment(mode, { customer_id: customer })
      await first.pay.getByRole('checkbox').check()
      await typeCard(first.pay, CARDS.ok)
      await state(first.pay, 'success')
      await first.page.close()

      const second = await openPayment(mode, { customer_id: customer })
      await second.pay.getByRole('radio', { name: /424242\*+4242/ }).check({ timeout: 20_000 })
      await second.pay.locator('input[autocomplete="cc-csc"]').fill(SAVED_CARD_CVC)
      await second.pay.locator('button[type="submit"]').click()
      await state(second.pay, 'success')
      const [callback] = await callbacksOf(second.paymentId, ['success'])
      expect((callback!.body['account'] as { token?: string }).token).toMatch(/^tok_/)
      await second.page.close()

      const third = await openPayment(mode, { customer_id: customer })
      await third.pay.getByRole('button', { name: /delete card 424242\*+4242/i }).click({ timeout: 20_000 })
      // Deleting is for good, so the page asks first (issue 16, item 6).
      await third.pay.getByRole('group', { name: /delete card •+ 4242\?/i }).getByRole('button', { name: 'Delete', exact: true }).click()
      await expect.poll(() => third.pay.getByRole('radio', { name: /424242\*+4242/ }).count()).toBe(0)
      await third.page.close()
    })

    it('expired link', async () => {
      const { page, pay } = await openPayment(mode, { best_before: new Date(Date.now() - 60_000).toISOString() })
      await pay.locator('[data-error-code="payment_expired"]').waitFor({ timeout: 20_000 })
      await page.close()
    })
  })

  // Post/redirect/get on every return (issue 16, item 4): each history entry of the flow is a
  // GET, so Back shows the result page again and never "Confirm form resubmission".
  it.each([['3-D Secure', 'Confirm'], ['Jeton wallet', 'Success']] as const)('full page: Back after %s shows the result page', async (flow, button) => {
    const { page, pay } = await openPayment('full-page', { payment_amount: '1500' })
    if (flow === 'Jeton wallet') {
      await pay.getByRole('radio', { name: /jeton/i }).check()
      await pay.locator('button[type="submit"]').click()
    } else {
      await typeCard(pay, CARDS.threeDs)
    }
    await pay.getByRole('button', { name: button, exact: true }).click({ timeout: 20_000 })
    await state(page, 'success')
    // The session came in the fragment and is gone from the address bar and history.
    expect(page.url()).toMatch(/\/payment\/resume\/\d+$/)
    const back = await page.goBack()
    expect(back?.request().method()).toBe('GET')
    await state(page, 'success')
    expect(page.url()).not.toMatch(/^chrome-error:/)
    await page.close()
  })

  // Runs last: after card, 3-D Secure and saved-card payments in both modes.
  it('leaves no card number or CVC in the database files, the logs or the callbacks', async () => {
    await server.stop()
    const files = walk(dataDir)
    expect(files.length).toBeGreaterThan(10)
    for (const file of files) {
      const bytes = readFileSync(file)
      for (const pan of Object.values(CARDS)) expect(bytes.includes(Buffer.from(pan)), `${pan} in ${file}`).toBe(false)
      for (const cvc of [CVC, SAVED_CARD_CVC]) expect(bytes.includes(Buffer.from(`"cvc":"${cvc}"`)), `CVC in ${file}`).toBe(false)
    }
    for (const text of [server.output(), ...merchant.callbacks.map((c) => c.raw)]) {
      for (const pan of Object.values(CARDS)) expect(text).not.toContain(pan)
      for (const cvc of [CVC, SAVED_CARD_CVC]) expect(text).not.toMatch(new RegExp(`\\b${cvc}\\b`))
    }
  })
})

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}
