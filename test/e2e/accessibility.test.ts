import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AxeResults, RunOptions } from 'axe-core'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { CHROMIUM_LAUNCH, browserAvailable, cli, freePort, serverEnv, startServer, fillCard, type ServerProcess } from './harness.ts'
import { dataDir } from './data-dir.ts'

const SECRET = 'a11y-secret-for-project-9400'
const PROJECT = 9400
const CARDS = { ok: '4242424242424242', decline: '4000000000000002', threeDs: '4000000000003220' }
// Slow enough that the processing screen stays up while axe looks at it.
const ACQUIRER_LATENCY_MS = 2500
// WCAG 2.0, 2.1 and 2.2, levels A and AA (SPEC §10: axe finds nothing).
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

type Violation = { id: string; impact: string | null | undefined; help: string; nodes: string[] }
type Lang = 'en' | 'ru'

/**
 * Runs axe in the page. The payment page's CSP allows only its own nonce'd scripts, so axe is
 * evaluated through the DevTools protocol (which CSP does not govern) instead of a script tag;
 * the page itself runs under its real CSP.
 */
async function axeViolations(page: Page): Promise<Violation[]> {
  await page.evaluate(AXE_SOURCE)
  const options: RunOptions = { runOnly: { type: 'tag', values: WCAG_TAGS }, resultTypes: ['violations'] }
  return page.evaluate(async (opts) => {
    const axe = (window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }).axe
    const results = await axe.run(document, opts)
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`),
    }))
  }, options)
}

// Every check opens its own page and payment: they run side by side (up to the project's
// maxConcurrency), so the simulated acquirer's latency overlaps instead of adding up.
describe.skipIf(!browserAvailable()).concurrent('hosted page accessibility (axe, WCAG 2.2 AA) and keyboard use', () => {
  let server: ServerProcess
  let browser: Browser
  let context: BrowserContext
  let counter = 0

  beforeAll(async () => {
    const port = await freePort()
    const env = { ...serverEnv(port, { dataDir: dataDir('epay-a11y-') }), EPAY_ACQUIRER_LATENCY_MS: String(ACQUIRER_LATENCY_MS) }
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'A11y Shop', '--secret-stdin', '--test'], SECRET)
    server = await startServer(env)
    browser = await chromium.launch(CHROMIUM_LAUNCH)
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  })
  afterAll(async () => {
    await context?.close()
    await browser?.close()
    await server?.stop()
  })

  /** The signed full-page URL of a new payment, as a merchant's backend would build it. */
  function paymentUrl(lang: Lang, extra: Record<string, string> = {}): string {
    const params: Record<string, string> = {
      project_id: String(PROJECT),
      payment_id: `a11y-${lang}-${Date.now()}-${++counter}`,
      payment_amount: '1999',
      payment_currency: 'EUR',
      payment_description: 'Order 42',
      language_code: lang,
      ...extra,
    }
    return `${server.url}/payment?${new URLSearchParams({ ...params, signature: sign(params, SECRET) })}`
  }

  async function open(lang: Lang, extra: Record<string, string> = {}, on: BrowserContext = context): Promise<Page> {
    const page = await on.newPage()
    await page.goto(paymentUrl(lang, extra))
    await page.locator('[data-state="form"]').waitFor({ timeout: 20_000 })
    return page
  }

  const state = (page: Page, name: string, timeout = 20_000) => page.locator(`[data-state="${name}"]`).first().waitFor({ timeout })

  const typeCard = (page: Page, pan: string) => fillCard(page, { pan })

  const expectNoViolations = async (page: Page) => expect(await axeViolations(page)).toEqual([])

  // The form (with its errors), the decline, Try again and the Jeton choice are checked in both
  // languages, both schemes and both widths by the every-state test below; these are the rest.
  describe.each<Lang>(['en', 'ru'])('in %s', (lang) => {
    it('has no violations while processing, on success and after reloading the result', async () => {
      const page = await open(lang)
      await typeCard(page, CARDS.ok)
      await page.locator('button[type="submit"]').click()
      await state(page, 'processing')
      await expectNoViolations(page)
      await state(page, 'success')
      await expectNoViolations(page)
      // The server re-serves the page with the stored state: the result, never a new form.
      await page.reload()
      await state(page, 'success')
      expect(await page.locator('input[autocomplete="cc-number"]').count()).toBe(0)
      await page.close()
    })

    it('has no violations with saved cards and at 320 CSS px keeps everything without horizontal scrolling', async () => {
      const customer = `a11y-customer-${lang}-${Date.now()}`
      const first = await open(lang, { customer_id: customer })
      await first.getByRole('checkbox').check()
      await typeCard(first, CARDS.ok)
      await first.locator('button[type="submit"]').click()
      await state(first, 'success')
      await first.close()

      const narrow = await browser.newContext({ viewport: { width: 320, height: 640 } })
      const page = await open(lang, { customer_id: customer }, narrow)
      await page.getByRole('radio', { name: /424242\*+4242/ }).waitFor()
      await expectNoViolations(page)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow).toBe(0)
      await page.getByRole('radio', { name: lang === 'en' ? 'Use a new card' : 'Оплатить новой картой' }).check()
      await expectNoViolations(page)
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0)
      await narrow.close()
    })

    it('has no violations on the error page of a bad signature', async () => {
      const page = await context.newPage()
      const url = new URL(paymentUrl(lang))
      url.searchParams.set('signature', 'bm90IHRoZSBzaWduYXR1cmU=')
      const response = await page.goto(url.href)
      expect(response?.status()).toBeGreaterThanOrEqual(400)
      await state(page, 'error')
      await expectNoViolations(page)
      await page.close()
    })

    it('has no violations on the 3-D Secure ACS page', async () => {
      const page = await open(lang)
      await typeCard(page, CARDS.threeDs)
      await page.locator('button[type="submit"]').click()
      await page.waitForURL(/\/sim\/acs/, { timeout: 20_000 })
      // The test ACS speaks the payment's language.
      await page.getByRole('button', { name: lang === 'ru' ? 'Подтвердить' : 'Confirm' }).waitFor()
      await expectNoViolations(page)
      await page.close()
    })

    it('has no violations on the Jeton test wallet page', async () => {
      const page = await open(lang)
      await page.getByRole('radio', { name: /jeton/i }).check()
      await page.locator('button[type="submit"]').click()
      await page.waitForURL(/\/sim\/wallets\/jeton\//, { timeout: 20_000 })
      await page.locator('form[action$="/decide"]').waitFor()
      await expectNoViolations(page)
      await page.close()
    })
  })

  // Issue 16 item 5: every state, light and dark (prefers-color-scheme), at 360 and 1280 px.
  const LOOKS = (['en', 'ru'] as const).flatMap((lang) =>
    (['light', 'dark'] as const).flatMap((scheme) => ([360, 1280] as const).map((width) => ({ lang, scheme, width }))),
  )
  it.each(LOOKS)('has no violations on any state in $lang, $scheme, $width px', async ({ lang, scheme, width }) => {
    const look = await browser.newContext({ viewport: { width, height: 800 }, colorScheme: scheme })
    const customer = `a11y-look-${lang}-${scheme}-${width}-${Date.now()}`
    const page = await open(lang, { customer_id: customer }, look)
    expect(await page.getAttribute('html', 'lang')).toBe(lang)
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    // Below 480 px the window is the card: the page's background is the panel's surface.
    const palette = width < 480 ? { dark: 'rgb(29, 32, 37)', light: 'rgb(255, 255, 255)' } : { dark: 'rgb(18, 20, 23)', light: 'rgb(244, 245, 247)' }
    expect(background).toBe(palette[scheme])
    const checks: string[] = []
    const check = async (what: string) => {
      const found = await axeViolations(page)
      if (found.length) checks.push(`${what}: ${JSON.stringify(found)}`)
      expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), `${what} scrolls sideways`).toBe(0)
    }
    await check('form')
    await page.locator('button[type="submit"]').click()
    await page.locator('input[aria-invalid="true"]').first().waitFor()
    await check('form with errors')
    await typeCard(page, CARDS.decline)
    await page.locator('button[type="submit"]').click()
    await state(page, 'processing')
    await check('processing')
    await state(page, 'decline')
    await check('decline')
    await page.getByRole('button', { name: lang === 'ru' ? 'Попробовать снова' : 'Try again' }).click()
    await state(page, 'form')
    await check('form after a decline')
    await page.getByRole('radio', { name: 'Jeton Wallet' }).check()
    await check('Jeton')
    await page.getByRole('radio', { name: lang === 'ru' ? 'Карта' : 'Card' }).check()
    await typeCard(page, CARDS.ok)
    await page.getByRole('checkbox').check()
    await page.locator('button[type="submit"]').click()
    await state(page, 'success')
    await check('success')
    await page.close()

    const saved = await open(lang, { customer_id: customer }, look)
    await saved.getByRole('button', { name: /424242\*+4242/ }).click()
    await saved.locator('.confirm-delete[role="group"]').waitFor()
    const found = await axeViolations(saved)
    if (found.length) checks.push(`saved card, delete question: ${JSON.stringify(found)}`)
    await saved.close()
    await look.close()
    expect(checks).toEqual([])
  })

  it('completes a payment with the keyboard alone, in a sensible focus order', async () => {
    const page = await open('en')
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null
        return el?.getAttribute('autocomplete') ?? el?.getAttribute('type') ?? el?.tagName.toLowerCase() ?? ''
      })
    const path: string[] = []
    for (let i = 0; i < 6 && (await focused()) !== 'cc-number'; i++) {
      await page.keyboard.press('Tab')
      path.push(await focused())
    }
    // Only the method choice (card is checked) comes before the card number.
    expect(path).toEqual(['radio', 'cc-number'])
    await page.keyboard.type(CARDS.ok)
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('cc-exp')
    await page.keyboard.type('1234')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('cc-csc')
    await page.keyboard.type('123')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('cc-name')
    await page.keyboard.type('JANE DOE')
    await page.keyboard.press('Tab')
    expect(await focused()).toBe('submit')
    // A visible focus indicator on the button (outline), whatever the accent colour.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).toBe('solid')
    await page.keyboard.press('Enter')
    await state(page, 'success')
    // Focus follows the screen change to the result's heading.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1')
    await page.close()
  })

  it('applies a signed theme as CSS variables under the strict CSP', async () => {
    const page = await open('en', { theme: JSON.stringify({ accent: '#0a7d5a', radius: 16, font: 'serif' }) })
    const button = page.locator('button[type="submit"]')
    expect(await button.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe('rgb(10, 125, 90)')
    expect(await button.evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe('16px')
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontFamily)).toContain('Georgia')
    await expectNoViolations(page)
    await page.close()
  })
})
