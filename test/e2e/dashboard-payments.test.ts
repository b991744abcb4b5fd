import { mkdirSync, readFileSync } from 'node:fs'
import ExcelJS from 'exceljs'
import { join } from 'node:path'
import { chromium, type Browser, type Locator, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSRF_HEADER } from '../../protocol/schemas/dashboard/endpoints.ts'
import { cliWithPassword, signIn } from '../../scripts/dashboard-screens.ts'
import { sign } from '../../server/signature/signature.ts'
import { Callback } from '../fixtures/gate.ts'
import { callbackReceiver } from '../fixtures/test-app.ts'
import { pdfLines } from '../fixtures/pdf-text.ts'
import { axeViolations } from './axe.ts'
import { CHROMIUM_LAUNCH, ROOT, browserAvailable, cli, eventually, freePort, serverEnv, startServer, tempDir, type ServerProcess } from './harness.ts'

const PASSWORD = 'copper-lantern-83-thistle'
const PROJECT = 3301
const SECRET = 'e2e-payments-secret-3301'
// Set EPAY_SHOTS=1 to also write screenshots of the new screens (en/ru, 1280/360) to .tmp/shots/.
const SHOTS = process.env['EPAY_SHOTS'] ? join(ROOT, '.tmp/shots') : undefined

async function hasText(locator: Locator, text: string): Promise<void> {
  await locator.first().waitFor()
  await eventually(async () => (await locator.first().innerText()).includes(text) || undefined, 10_000, `text ${text}`)
}

// Payments in the dashboard end to end (issue 12): a manager finds a paid test payment by the
// card's last four, refunds part of it, sees the refund on the timeline and the signed callback
// at the merchant's receiver; a viewer has no refund button and the API refuses them.
describe.skipIf(!browserAvailable())('dashboard payments in Chromium', () => {
  let server: ServerProcess
  let browser: Browser
  let receiver: Awaited<ReturnType<typeof callbackReceiver>>
  let paymentId: string
  let authorisedId: string

  beforeAll(async () => {
    receiver = await callbackReceiver()
    const port = await freePort()
    const env = serverEnv(port, { dataDir: tempDir('epay-dash-pay-e2e-') })
    const org = cli(env, ['org', 'add', '--name', 'Tea Shop']).trim().split('\n').at(-1)!
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Tea shop', '--org', org, '--test', '--callback-url', receiver.url, '--secret-stdin'], `${SECRET}\n`)
    cliWithPassword(env, ['user', 'add', '--email', 'manager@tea.example', '--role', 'manager', '--org', org, '--password-stdin'], PASSWORD)
    cliWithPassword(env, ['user', 'add', '--email', 'viewer@tea.example', '--role', 'viewer', '--org', org, '--password-stdin'], PASSWORD)
    server = await startServer(env, { timeoutMs: 180_000 })
    // A paid test payment by the Gate, with a card ending 4444, and another one to find it among.
    for (const [pan, amount] of [['4242424242424242', 1200], ['5555555555554444', 2500]] as const) {
      paymentId = `tea-${pan.slice(-4)}-${Date.now()}`
      const body = { general: { project_id: PROJECT, payment_id: paymentId }, payment: { amount, currency: 'EUR', description: 'Green tea' }, customer: { id: 'cust-77' }, card: { pan, year: 2034, month: 12, card_holder: 'JANE DOE', cvv: '123' } }
      const signed = { ...body, general: { ...body.general, signature: sign(body, SECRET) } }
      const res = await fetch(`${server.url}/v2/payment/card/sale`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed) })
      expect(res.status).toBe(200)
    }
    // An authorisation of €30.00 to capture in part from its detail screen.
    authorisedId = `tea-auth-${Date.now()}`
    const auth = { general: { project_id: PROJECT, payment_id: authorisedId }, payment: { amount: 3000, currency: 'EUR', description: 'Tea set' }, customer: { id: 'cust-78' }, card: { pan: '4242424242424242', year: 2034, month: 12, card_holder: 'JANE DOE', cvv: '123' } }
    const authorised = await fetch(`${server.url}/v2/payment/card/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...auth, general: { ...auth.general, signature: sign(auth, SECRET) } }) })
    expect(authorised.status).toBe(200)
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  }, 600_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await receiver?.close()
  })

  const shoot = async (page: Page, name: string) => {
    if (!SHOTS) return
    mkdirSync(SHOTS, { recursive: true })
    for (const lang of ['en', 'ru'] as const) {
      await page.evaluate((l) => {
        const select = document.querySelector<HTMLSelectElement>('#lang')!
        select.value = l
        select.dispatchEvent(new Event('change', { bubbles: true }))
      }, lang)
      for (const width of [1280, 360]) {
        await page.setViewportSize({ width, height: 900 })
        await page.waitForTimeout(150)
        await page.screenshot({ path: join(SHOTS, `${name}-${lang}-${width}.png`), fullPage: true })
      }
    }
    await page.evaluate(() => {
      const select = document.querySelector<HTMLSelectElement>('#lang')!
      select.value = 'en'
      select.dispatchEvent(new Event('change', { bubbles: true }))
    })
    await page.setViewportSize({ width: 1280, height: 900 })
  }

  it('a manager finds the payment by last 4, refunds part of it and sees it on the timeline and at the receiver', async () => {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] })
    const page = await context.newPage()
    await signIn(page, server.url, 'manager@tea.example', PASSWORD)
    // Signing in lands on Home: both test payments, from US-issued test cards (4242…, 5555…).
    await eventually(() => /\/dashboard\/home$/.test(page.url()) || undefined, 10_000, 'landing on Home')
    await page.locator('.home .uplot canvas').first().waitFor()
    await hasText(page.locator('.home .kpis'), '€37.00')
    await hasText(page.locator('.home .declines').first(), 'United States')
    expect(await axeViolations(page)).toEqual([])
    await page.setViewportSize({ width: 360, height: 900 })
    expect(await axeViolations(page)).toEqual([])
    await page.setViewportSize({ width: 1280, height: 900 })
    await shoot(page, 'home')
    await page.locator('nav.nav a[href="/dashboard/payments"]').click()
    await page.locator('table.payments').waitFor()
    await page.getByLabel('Card last 4').fill('4444')
    await page.getByRole('button', { name: 'Apply' }).click()
    await eventually(() => /last4=4444/.test(page.url()) || undefined, 10_000, 'filter in the URL')
    await eventually(async () => (await page.locator('table.payments tbody tr').count()) === 1 || undefined, 10_000, 'one row')
    // Copy: the list as shown, tab-separated, as spreadsheets paste it.
    await page.getByRole('button', { name: 'Copy list' }).click()
    const copied = (await page.evaluate(() => navigator.clipboard.readText())).trimEnd().split('\n').map((line) => line.split('\t'))
    expect(copied[0]).toEqual((await page.locator('table.payments thead th').allTextContents()).map((h) => h.trim()))
    expect(copied).toHaveLength(2)
    expect(copied[1]!.join(' ')).toContain('4444')
    await hasText(page.locator('table.payments tbody tr'), '555555******4444')
    expect(await axeViolations(page)).toEqual([])
    await shoot(page, 'payments-list')
    await page.getByRole('link', { name: paymentId }).click()
    await hasText(page.locator('h1'), paymentId)
    await hasText(page.locator('.timeline'), 'Sale')
    await page.getByRole('button', { name: 'Refund', exact: true }).click()
    await page.getByLabel('Amount, EUR').fill('7.50')
    await page.getByLabel('Reason (goes to the journal)').fill('One box arrived damaged')
    await shoot(page, 'payment-refund-form')
    await page.getByRole('button', { name: 'Continue' }).click()
    await hasText(page.locator('.confirm'), '€7.50')
    await shoot(page, 'payment-refund-confirm')
    await page.getByRole('button', { name: 'Yes, do it' }).click()
    await hasText(page.locator('.alert-success'), 'Done')
    await hasText(page.locator('.timeline li').nth(1), 'Refund')
    await hasText(page.locator('.lead'), 'Partially refunded')
    await hasText(page.locator('.totals'), '€7.50')
    expect(await axeViolations(page)).toEqual([])
    await shoot(page, 'payment-detail')
    // The merchant's receiver got the refund's callback, signed with the project's secret.
    const refund = await eventually(() => receiver.received.map((r) => JSON.parse(r.body) as { payment: { id: string }; operation: { type: string; sum_initial?: { amount: number } } })
      .find((b) => b.payment.id === paymentId && b.operation.type === 'refund'), 15_000, 'refund callback')
    expect(() => new Callback(SECRET, refund)).not.toThrow()
    await context.close()
  })

  it('a viewer sees the payment without a refund button, and the API refuses the refund', async () => {
    const context = await browser.newContext({ locale: 'en' })
    const page = await context.newPage()
    await signIn(page, server.url, 'viewer@tea.example', PASSWORD)
    await page.goto(`${server.url}/dashboard/payments?last4=4444`)
    await page.getByRole('link', { name: paymentId }).click()
    await hasText(page.locator('.timeline'), 'Refund')
    expect(await page.getByRole('button', { name: 'Refund', exact: true }).count()).toBe(0)
    expect(await page.locator('.actions-panel').count()).toBe(0)
    const path = new URL(page.url()).pathname.replace('/dashboard/payments/', '')
    const [project, id] = path.split('/')
    const status = await page.evaluate(async ({ project, id, header }) => {
      const csrf = ((await (await fetch('/api/dashboard/me')).json()) as { csrf_token: string }).csrf_token
      const res = await fetch(`/api/dashboard/projects/${project}/payments/${id}/refund`, { method: 'POST', headers: { 'content-type': 'application/json', [header]: csrf }, body: JSON.stringify({ idempotency_key: 'viewer-click-0123456789', amount: 100, reason: 'not allowed' }) })
      return res.status
    }, { project, id, header: CSRF_HEADER })
    expect(status).toBe(403)
    await context.close()
  })

  it('a manager pays out to a wallet from the balance screen, sees it in the list, and a payout above the balance shows 3028', async () => {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await signIn(page, server.url, 'manager@tea.example', PASSWORD)
    await page.locator('nav.nav a[href="/dashboard/balance"]').click()
    // 12.00 + 25.00 paid, 7.50 refunded: 29.50 available, no commission set for this project.
    await hasText(page.locator('table.balances tbody tr'), '€29.50')
    expect(await axeViolations(page)).toEqual([])
    const form = page.locator('form.payout-form')
    await form.getByLabel('Amount, EUR').fill('5.00')
    await form.getByLabel('Jeton wallet').check()
    await form.getByLabel('Wallet account').fill('JT0000012345')
    await form.getByRole('button', { name: 'Continue' }).click()
    await hasText(page.locator('.confirm'), '€5.00')
    await hasText(page.locator('.confirm'), 'JT0000012345')
    expect(await axeViolations(page)).toEqual([])
    // A double click sends the one key of this confirmation twice: one payout.
    await page.getByRole('button', { name: 'Pay out', exact: true }).dblclick()
    await hasText(page.locator('.alert-success'), 'paid out')
    await hasText(page.locator('table.balances tbody tr'), '€24.50')
    await eventually(async () => (await page.locator('table.payouts tbody tr').count()) === 1 || undefined, 10_000, 'one payout listed')
    await hasText(page.locator('table.payouts tbody tr'), '€5.00')
    await hasText(page.locator('table.payouts tbody tr'), 'Paid')
    await form.getByLabel('Amount, EUR').fill('100.00')
    await form.getByRole('button', { name: 'Continue' }).click()
    await page.getByRole('button', { name: 'Pay out', exact: true }).click()
    await hasText(page.locator('.alert-error'), 'insufficient funds')
    await hasText(page.locator('table.balances tbody tr'), '€24.50')
    await eventually(async () => (await page.locator('table.payouts tbody tr').count()) === 2 || undefined, 10_000, 'the declined payout listed')
    await hasText(page.locator('table.payouts tbody tr').first(), '3028')
    await page.setViewportSize({ width: 360, height: 900 })
    expect(await axeViolations(page)).toEqual([])
    await page.setViewportSize({ width: 1280, height: 900 })
    await shoot(page, 'balance')
    await context.close()
  })

  it('a viewer sees the balance and payouts without the payout form', async () => {
    const context = await browser.newContext({ locale: 'en' })
    const page = await context.newPage()
    await signIn(page, server.url, 'viewer@tea.example', PASSWORD)
    await page.goto(`${server.url}/dashboard/balance?status=decline`)
    await hasText(page.locator('table.balances tbody tr'), '€24.50')
    await hasText(page.locator('table.payouts tbody tr'), '3028')
    expect(await page.locator('table.payouts tbody tr').count()).toBe(1)
    expect(await page.locator('form.payout-form').count()).toBe(0)
    await context.close()
  })

  it('the filtered list exports to an XLSX a spreadsheet library reads with the screen\'s rows, and to a PDF made in the background', async () => {
    const context = await browser.newContext({ locale: 'en', timezoneId: 'Europe/Moscow', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await signIn(page, server.url, 'manager@tea.example', PASSWORD)
    await page.goto(`${server.url}/dashboard/payments?currency=EUR&mode=test`)
    // The two sales, the authorisation and the balance screen's payouts: every EUR test payment.
    await eventually(async () => (await page.locator('table.payments tbody tr').count()) >= 3 || undefined, 10_000, 'the rows')
    const screenIds = await page.locator('table.payments tbody th a').allTextContents()
    const screenAmounts = (await page.locator('table.payments tbody td.num').allTextContents()).map((a) => Number(a.replace(/[^\d.]/g, '')))
    // A small set downloads at once, streamed: open it with the spreadsheet library.
    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Excel' }).click()])
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(readFileSync(await xlsxDownload.path()) as unknown as ArrayBuffer)
    const sheet = book.worksheets[0]!
    const header = (sheet.getRow(1).values as unknown[]).slice(1)
    const column = (name: string) => (sheet.getColumn(header.indexOf(name) + 1).values as unknown[]).slice(2)
    expect(column('payment_id')).toEqual(screenIds)
    expect(column('amount')).toEqual(screenAmounts)
    expect(column('currency')).toEqual(screenIds.map(() => 'EUR'))
    // Dates in the browser's zone (Moscow, UTC+3): the newest row's created time is 3 hours after UTC.
    const newest = (await page.evaluate(async () => (await (await fetch('/api/dashboard/payments?currency=EUR&mode=test')).json()) as { payments: Array<{ created_at: string }> })).payments[0]!
    expect(column('created')[0]).toBe(new Date(Date.parse(newest.created_at) + 3 * 3_600_000).toISOString().slice(0, 19).replace('T', ' '))
    // A PDF is made in the background; the list shows it being made, then offers it.
    await page.getByRole('button', { name: 'Export PDF' }).click()
    await hasText(page.locator('.exports'), 'PDF')
    const link = page.locator('.exports a', { hasText: 'Download' })
    await link.waitFor({ timeout: 60_000 })
    expect(await axeViolations(page)).toEqual([])
    await page.setViewportSize({ width: 360, height: 900 })
    expect(await axeViolations(page)).toEqual([])
    await page.setViewportSize({ width: 1280, height: 900 })
    await shoot(page, 'payments-exports')
    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), link.click()])
    const pages = pdfLines(readFileSync(await pdfDownload.path()))
    expect(pages).toHaveLength(1)
    // The PDF cuts a cell to its column with "…" (the payouts' long ids): the screen's id, or its start.
    const pdfIds = pages[0]!.slice(2).map((row) => row[1]!)
    expect(pdfIds).toHaveLength(screenIds.length)
    pdfIds.forEach((cell, i) => expect(cell.endsWith('…') ? screenIds[i]!.startsWith(cell.slice(0, -1)) : cell === screenIds[i], `${cell} for ${screenIds[i]}`).toBe(true))
    await context.close()
  })

  it('a manager captures part of an authorised payment from its screen, and the rest of the authorisation is released', async () => {
    const context = await browser.newContext({ locale: 'en', viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    await signIn(page, server.url, 'manager@tea.example', PASSWORD)
    await page.goto(`${server.url}/dashboard/payments?payment=${authorisedId}`)
    await page.getByRole('link', { name: authorisedId }).click()
    await hasText(page.locator('.lead'), 'Awaiting capture')
    await page.getByRole('button', { name: 'Capture', exact: true }).click()
    await page.getByLabel('Amount, EUR').fill('12.00')
    await page.getByRole('button', { name: 'Continue' }).click()
    await hasText(page.locator('.confirm'), 'the remaining €18.00 of the authorisation is released')
    await shoot(page, 'payment-capture-confirm')
    await page.getByRole('button', { name: 'Yes, do it' }).click()
    await hasText(page.locator('.alert-success'), 'Done')
    await hasText(page.locator('.timeline li').nth(1), 'Capture')
    await hasText(page.locator('.lead'), 'Paid')
    await hasText(page.locator('.totals'), '€12.00')
    // Nothing is left to capture: the authorisation's rest is gone, not waiting.
    expect(await page.getByRole('button', { name: 'Capture', exact: true }).count()).toBe(0)
    expect(await axeViolations(page)).toEqual([])
    const capture = await eventually(() => receiver.received.map((r) => JSON.parse(r.body) as { payment: { id: string; sum?: { amount: number } }; operation: { type: string; sum_initial?: { amount: number } } })
      .find((b) => b.payment.id === authorisedId && b.operation.type === 'capture'), 15_000, 'capture callback')
    expect(() => new Callback(SECRET, capture)).not.toThrow()
    expect(capture.operation.sum_initial?.amount).toBe(1200)
    await context.close()
  })
})
