// Screenshots of the hosted page's screens (docs/screenshots.md): a real server on a temporary
// PGlite directory, a test project made with the CLI, and Debian's Chromium, as the e2e tests do.
// Usage: npm run screenshots  →  screenshots/<lang>-<width>-<screen>.png
import { execFileSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { sign } from '../server/signature/signature.ts'
import { CHROMIUM_LAUNCH, ROOT, cli, freePort, serverEnv, startServer, tempDir, type ServerProcess } from '../test/e2e/harness.ts'
import { startMerchantSite } from '../test/e2e/merchant-site.ts'
import { dashboardScreenshots } from './dashboard-screens.ts'

const SECRET = 'screenshots-secret'
const PROJECT = 9500
const OUT = join(ROOT, 'screenshots')
const LANGS = ['en', 'ru'] as const
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 360, height: 740 },
] as const
type Lang = (typeof LANGS)[number]

let counter = 0

function paymentUrl(server: ServerProcess, lang: Lang, extra: Record<string, string> = {}): string {
  const params: Record<string, string> = {
    project_id: String(PROJECT),
    payment_id: `shot-${lang}-${Date.now()}-${++counter}`,
    payment_amount: '249000',
    payment_currency: lang === 'ru' ? 'RUB' : 'EUR',
    payment_description: lang === 'ru' ? 'Заказ №1042: наушники' : 'Order #1042: headphones',
    language_code: lang,
    ...extra,
  }
  return `${server.url}/payment?${new URLSearchParams({ ...params, signature: sign(params, SECRET) })}`
}

const state = (page: Page, name: string) => page.locator(`[data-state="${name}"]`).first().waitFor({ timeout: 30_000 })

async function typeCard(page: Page, pan: string): Promise<void> {
  await page.locator('input[autocomplete="cc-number"]').fill(pan)
  await page.locator('input[autocomplete="cc-exp"]').fill('12/34')
  await page.locator('input[autocomplete="cc-csc"]').fill('123')
  await page.locator('input[autocomplete="cc-name"]').fill('JANE DOE')
}

async function shoot(page: Page, lang: Lang, width: number, screen: string): Promise<string> {
  const file = `${lang}-${width}-${screen}.png`
  // No caret blinking or spinner angle differences between runs.
  await page.screenshot({ path: join(OUT, file), fullPage: true, animations: 'disabled', caret: 'hide' })
  return file
}

async function screens(browser: Browser, server: ServerProcess, lang: Lang, viewport: { width: number; height: number }): Promise<string[]> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang })
  const files: string[] = []
  const open = async (extra: Record<string, string> = {}) => {
    const page = await context.newPage()
    await page.goto(paymentUrl(server, lang, extra))
    await state(page, 'form')
    return page
  }
  const w = viewport.width

  const form = await open()
  await typeCard(form, '4242 4242 4242 4242')
  await form.locator('input[autocomplete="cc-name"]').blur()
  files.push(await shoot(form, lang, w, 'form'))
  await form.locator('button[type="submit"]').click()
  await state(form, 'processing')
  files.push(await shoot(form, lang, w, 'processing'))
  await state(form, 'success')
  files.push(await shoot(form, lang, w, 'success'))
  await form.close()

  const themed = await open({ theme: JSON.stringify({ accent: '#0a7d5a', background: '#fbf7ef', text: '#2b2118', radius: 14, font: 'serif' }) })
  files.push(await shoot(themed, lang, w, 'themed'))
  await themed.close()

  const errors = await open()
  await errors.locator('input[autocomplete="cc-number"]').fill('4242 4242 4242 4241')
  await errors.locator('button[type="submit"]').click()
  await errors.locator('input[aria-invalid="true"]').first().waitFor()
  files.push(await shoot(errors, lang, w, 'form-errors'))
  await errors.close()

  const jeton = await open()
  await jeton.getByRole('radio', { name: 'Jeton Wallet' }).check()
  files.push(await shoot(jeton, lang, w, 'jeton'))
  await jeton.close()

  // The test ACS and wallet pages, in the payment's language: merchant, amount, last four digits.
  for (const [screen, start] of [
    ['acs', async (page: Page) => { await typeCard(page, '4000 0000 0000 3220'); await page.locator('button[type="submit"]').click() }],
    ['wallet', async (page: Page) => { await page.getByRole('radio', { name: 'Jeton Wallet' }).check(); await page.locator('button[type="submit"]').click() }],
  ] as const) {
    const page = await open()
    await start(page)
    await page.locator('form[action$="/decide"]').waitFor({ timeout: 30_000 })
    files.push(await shoot(page, lang, w, screen))
    await page.close()
  }

  const decline = await open()
  await typeCard(decline, '4000 0000 0000 0002')
  await decline.locator('button[type="submit"]').click()
  await state(decline, 'decline')
  files.push(await shoot(decline, lang, w, 'decline'))
  // Try again: one line about the decline, the typed name kept.
  await decline.locator('.status button').click()
  await state(decline, 'form')
  files.push(await shoot(decline, lang, w, 'retry'))
  await decline.close()

  const error = await context.newPage()
  const bad = new URL(paymentUrl(server, lang))
  bad.searchParams.set('signature', 'bm90IHRoZSBzaWduYXR1cmU=')
  await error.goto(bad.href)
  await state(error, 'error')
  files.push(await shoot(error, lang, w, 'error'))
  await error.close()

  // A customer who saved a card on an earlier payment sees it (CVC only) the next time.
  const customer = `shot-customer-${lang}-${w}`
  const saving = await open({ customer_id: customer })
  await saving.getByRole('checkbox').check()
  await typeCard(saving, '5555 5555 5555 4444')
  await saving.locator('button[type="submit"]').click()
  await state(saving, 'success')
  await saving.close()
  const saved = await open({ customer_id: customer })
  await saved.locator('input[autocomplete="cc-csc"]').fill('123')
  files.push(await shoot(saved, lang, w, 'saved-cards'))
  await saved.locator('.saved-card .button-link').first().click()
  files.push(await shoot(saved, lang, w, 'delete-confirm'))
  await saved.close()
  await context.close()

  // The shopper's system in dark mode (prefers-color-scheme).
  const dark = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang, colorScheme: 'dark' })
  const darkPage = await dark.newPage()
  await darkPage.goto(paymentUrl(server, lang))
  await state(darkPage, 'form')
  await typeCard(darkPage, '4000 0000 0000 0002')
  files.push(await shoot(darkPage, lang, w, 'dark-form'))
  await darkPage.locator('button[type="submit"]').click()
  await state(darkPage, 'decline')
  files.push(await shoot(darkPage, lang, w, 'dark-decline'))
  await darkPage.locator('.status button').click()
  await state(darkPage, 'form')
  await typeCard(darkPage, '4242 4242 4242 4242')
  await darkPage.locator('button[type="submit"]').click()
  await state(darkPage, 'success')
  files.push(await shoot(darkPage, lang, w, 'dark-success'))
  await dark.close()
  return files
}

/**
 * The widget's modal on a merchant page of another origin (merchant.js): the window as the
 * shopper sees it, light and dark, from the form through processing to the result.
 */
async function modalScreens(browser: Browser, shop: string, lang: Lang, viewport: { width: number; height: number }): Promise<string[]> {
  const files: string[] = []
  const w = viewport.width
  const shootWindow = async (page: Page, screen: string) => {
    const file = `${lang}-${w}-${screen}.png`
    await page.waitForTimeout(300)
    await page.screenshot({ path: join(OUT, file), animations: 'disabled', caret: 'hide' })
    files.push(file)
  }
  for (const scheme of ['light', 'dark'] as const) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang, colorScheme: scheme })
    const page = await context.newPage()
    const prefix = scheme === 'dark' ? 'modal-dark' : 'modal'
    await page.goto(`${shop}/shop?lang=${lang}&payment_id=shot-modal-${lang}-${w}-${scheme}-${Date.now()}`)
    await page.click('#pay')
    const frame = page.frameLocator('iframe[allow]')
    await frame.locator('[data-state="form"]').waitFor({ timeout: 30_000 })
    const card = scheme === 'dark' ? '4000 0000 0000 0002' : '4242 4242 4242 4242'
    await frame.locator('input[autocomplete="cc-number"]').fill(card)
    await frame.locator('input[autocomplete="cc-exp"]').fill('12/34')
    await frame.locator('input[autocomplete="cc-csc"]').fill('123')
    await frame.locator('input[autocomplete="cc-name"]').fill('JANE DOE')
    await frame.locator('input[autocomplete="cc-name"]').blur()
    await shootWindow(page, `${prefix}-form`)
    await frame.locator('button[type="submit"]').click()
    await frame.locator('[data-state="processing"]').waitFor({ timeout: 30_000 })
    await shootWindow(page, `${prefix}-processing`)
    await frame.locator(`[data-state="${scheme === 'dark' ? 'decline' : 'success'}"]`).waitFor({ timeout: 30_000 })
    await shootWindow(page, `${prefix}-${scheme === 'dark' ? 'decline' : 'success'}`)
    if (scheme === 'dark') {
      await frame.locator('.status button').click()
      await frame.locator('[data-state="form"]').waitFor()
      await shootWindow(page, `${prefix}-retry`)
    }
    await context.close()
  }
  return files
}

async function main(): Promise<void> {
  execFileSync(process.execPath, [join(ROOT, 'scripts/build-if-needed.mjs')], { cwd: ROOT, stdio: 'inherit' })
  rmSync(OUT, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  const port = await freePort()
  // The acquirer is slowed down so the processing screen stays up long enough to capture.
  const env = { ...serverEnv(port, { dataDir: tempDir('epay-shots-') }), EPAY_ACQUIRER_LATENCY_MS: '2000', LOG_LEVEL: 'warn' }
  // A merchant page on another origin that opens the widget's modal.
  const shop = await startMerchantSite({ epayUrl: `http://localhost:${port}`, projectId: PROJECT, secret: SECRET })
  cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Northwind Audio', '--secret-stdin', '--test', '--origin', shop.origin], `${SECRET}\n`)
  const server = await startServer(env)
  const browser = await chromium.launch(CHROMIUM_LAUNCH)
  try {
    for (const lang of LANGS) {
      for (const viewport of VIEWPORTS) {
        for (const file of await screens(browser, server, lang, viewport)) process.stdout.write(`screenshots/${file}\n`)
        for (const file of await modalScreens(browser, shop.origin, lang, viewport)) process.stdout.write(`screenshots/${file}\n`)
      }
    }
    await server.stop()
    // The merchant dashboard, on a server of its own in demo mode.
    for (const file of await dashboardScreenshots(browser, OUT)) process.stdout.write(`screenshots/${file}\n`)
  } finally {
    await browser.close()
    await server.stop()
    await shop.close()
  }
}

await main()
