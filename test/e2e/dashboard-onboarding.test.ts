import { readFileSync } from 'node:fs'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import ExcelJS from 'exceljs'
import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshCode, signIn } from '../../scripts/dashboard-screens.ts'
import { addUser } from '../../server/cli/user.ts'
import { composeDeps, openDatabase } from '../../server/compose.ts'
import { loadConfig } from '../../server/config.ts'
import { localDate, nextRunAfter } from '../../server/dashboard/reports/subscription-schedule.ts'
import type { Clock } from '../../server/domain/ports.ts'
import { createApp } from '../../server/http/app.ts'
import { sign } from '../../server/signature/signature.ts'
import type { Sql } from '../../server/storage/sql.ts'
import { openPostgresSchema } from '../fixtures/databases.ts'
import { linkIn, startSmtp } from '../fixtures/smtp.ts'
import { axeViolations } from './axe.ts'
import { CHROMIUM_LAUNCH, browserAvailable, eventually, fillCard, freePort, serverEnv } from './harness.ts'
import { dataDir } from './data-dir.ts'

const FOUNDER_PASSWORD = 'saffron-kettle-64-meadow'
const OPERATOR = 'ops@epay.example'
const OPERATOR_PASSWORD = 'granite-falcon-19-harbour'
/** The shopper's payment: 27.50 EUR, so the figures, the chart and the report each have one to show. */
const AMOUNT = 2750
const AMOUNT_TEXT = '€27.50'
// The browser's zone is the subscriber's: the report's day and hour are read in it.
const TZ = 'Europe/Berlin'
// A small but real PDF: a page with a line of text.
const PDF = Buffer.from(`%PDF-1.4
1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >> endobj
4 0 obj << /Length 55 >> stream
BT /F1 18 Tf 20 70 Td (Harbour Tea Ltd, registry) Tj ET
endstream endobj
5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
trailer << /Root 1 0 R >>
%%EOF
`)

async function hasText(page: Page, selector: string, text: string | RegExp): Promise<void> {
  await page.locator(selector).first().waitFor()
  await eventually(async () => {
    const value = await page.locator(selector).first().innerText()
    return (typeof text === 'string' ? value.includes(text) : text.test(value)) || undefined
  }, 15_000, `${selector} with ${String(text)}`)
}

/** The server's clock: real time, plus however far the test has moved it. Never goes back. */
function movableClock(): Clock & { advance(ms: number): void } {
  let offset = 0
  return { now: () => new Date(Date.now() + offset), advance: (ms) => void (offset += ms) }
}

/** The first sheet's rows as objects keyed by the header row. */
async function xlsxRecords(bytes: Buffer): Promise<Record<string, unknown>[]> {
  const book = new ExcelJS.Workbook()
  await book.xlsx.load(bytes as unknown as ArrayBuffer)
  const [header, ...rows] = book.worksheets[0]!.getSheetValues().slice(1).map((row) => (row as unknown[]).slice(1))
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [String(name), row[i]])))
}

/**
 * A server in this process, composed as server/main.ts runServer composes it, with the test's
 * clock: the report's hour comes by moving the clock, not by waiting a day. Each attempt has
 * its own (database, clock, SMTP server), so a retry never starts on a day already moved.
 */
async function startWorld() {
  const clock = movableClock()
  const smtp = await startSmtp()
  const port = await freePort()
  // PostgreSQL when DATABASE_URL is set (a schema of its own), else PGlite in a data directory as in production.
  const url = process.env['DATABASE_URL']
  const storage = url ? { databaseUrl: url } : { dataDir: dataDir('epay-onboarding-e2e-') }
  const config = loadConfig({ ...serverEnv(port, storage), EPAY_DEMO: '0', EPAY_SIGNUP: '1', SMTP_URL: smtp.url, MAIL_FROM: 'EPay <no-reply@epay.test>', LOG_LEVEL: 'warn' })
  const sql = url ? await openPostgresSchema(url) : await openDatabase(config)
  // The platform operator, made by the code of `npm run cli -- user add --role platform`.
  await addUser(sql, { email: OPERATOR, role: 'platform', orgId: null, projects: null, password: OPERATOR_PASSWORD, now: clock.now() })
  const { deps, dispatcher, jobs } = await composeDeps(config, sql, { clock })
  // As runServer: the callback dispatcher, the dashboard's queue (reports, subscriptions, mail) and the payment jobs.
  const stopDispatcher = dispatcher.start(config.callbackPollMs)
  const reportTimer = setInterval(() => deps.dashboard.runJobs(), 1_000)
  const jobTimer = setInterval(() => void jobs.tick().catch((error: unknown) => deps.logger.error('background job failed', { error })), 1_000)
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: createApp(deps).fetch, port, hostname: '127.0.0.1' }, () => resolve(s))
  })
  expect((server.address() as AddressInfo).port).toBe(port)
  return {
    base: config.publicUrl,
    clock,
    smtp,
    async close() {
      clearInterval(reportTimer)
      clearInterval(jobTimer)
      // A failed attempt's pages may still hold connections open: they must not keep the port.
      const closed = new Promise((resolve) => server.close(resolve))
      ;(server as Server).closeAllConnections()
      await closed
      await stopDispatcher()
      // A job the last tick started finishes before the database closes.
      await new Promise((r) => setTimeout(r, 300))
      await sql.close()
      await smtp.close()
    },
  }
}

// The whole story of a new merchant in Chromium (issue 13): registers, verifies by the mailed
// link (a real SMTP server on loopback), lands on its test project with the secret and snippet,
// takes a test payment signed with that secret, sees it in the home figures and chart, subscribes
// to a daily report, asks to go live with a PDF; a platform operator approves; the owner sees
// the decision in the bell and in the mail; then the day passes and the report arrives with the
// payment in its attached file. axe on the onboarding screens at 1280 and 360 px, en and ru.
describe.skipIf(!browserAvailable())('a merchant\'s first day in Chromium', () => {
  let browser: Browser
  let world: Awaited<ReturnType<typeof startWorld>> | undefined

  beforeAll(async () => {
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  })
  afterAll(async () => {
    await browser?.close()
    await world?.close()
  })

  it('registers, takes a test payment, sees it on the home chart, goes live, and gets the daily report by mail', async () => {
    await world?.close()
    world = await startWorld()
    const { base, clock, smtp } = world
    const FOUNDER = `founder-${Date.now()}@harbour-tea.example`
    const context = await browser.newContext({ locale: 'en', timezoneId: TZ })
    // Verification and sign-in hash passwords (scrypt): slow on a busy machine.
    context.setDefaultTimeout(120_000)
    const page = await context.newPage()
    await page.goto(`${base}/dashboard/sign-in`)
    await page.getByRole('link', { name: 'New to EPay? Create an account' }).click()
    await page.getByLabel('Email').fill(FOUNDER)
    await page.getByLabel('Organisation name').fill('Harbour Tea')
    await page.getByRole('button', { name: 'Send confirmation link' }).click()
    await hasText(page, '.alert-success', FOUNDER)

    const mail = await smtp.mailTo(FOUNDER, /Confirm your email/)
    await page.goto(linkIn(mail, '/dashboard/verify'))
    await hasText(page, '.lead', 'Harbour Tea')
    // The token left the address bar as soon as it was read.
    expect(page.url()).not.toContain('#')
    await page.locator('input[autocomplete="new-password"]').fill(FOUNDER_PASSWORD)
    await page.getByRole('button', { name: 'Create my account' }).click()
    // Signed in, on the first project with its secret and the integration snippet.
    await page.locator('nav.nav').waitFor()
    await hasText(page, '[data-testid="project-secret"]', /^[A-Za-z0-9_-]{32}$/)
    await hasText(page, 'section.page', '/widget/v1/merchant.js')
    await hasText(page, '.topbar .org', 'Harbour Tea')
    // The secret is shown this once: the merchant's server signs with what the screen showed.
    const secret = await page.locator('[data-testid="project-secret"]').innerText()
    const projectHref = (await page.getByRole('link', { name: 'Open project settings' }).getAttribute('href'))!
    const projectId = Number(/\/dashboard\/projects\/(\d+)$/.exec(projectHref)![1])

    // A shopper pays a test payment on the payment page, with parameters signed as ECommPay signs them.
    const shopper = await browser.newContext({ locale: 'en' })
    shopper.setDefaultTimeout(60_000)
    const pay = await shopper.newPage()
    const paymentId = `harbour-${Date.now()}`
    const params = { project_id: String(projectId), payment_id: paymentId, payment_amount: String(AMOUNT), payment_currency: 'EUR', customer_id: 'first-customer', language_code: 'en' }
    await pay.goto(`${base}/payment?${new URLSearchParams({ ...params, signature: sign(params, secret) })}`)
    await fillCard(pay, { pan: '4242 4242 4242 4242' })
    await pay.locator('button[type="submit"]').click()
    await pay.locator('[data-state="success"]').waitFor()
    const paidDay = localDate(clock.now(), TZ)
    await shopper.close()

    // Home: the paid figure and count, and the chart's point for today is the payment.
    await page.getByRole('link', { name: 'Home', exact: true }).click()
    const paid = page.locator('.kpis .kpi').first()
    await hasText(page, '.kpis .kpi:first-child .kpi-value', AMOUNT_TEXT)
    expect(await paid.locator('.kpi-label').innerText()).toBe('Paid')
    expect(await paid.locator('.kpi-sub').innerText()).toMatch(/^Payments: 1\b/)
    const over = page.locator('.home-chart .u-over')
    await over.waitFor()
    // Today is the last bucket: the cursor at the right edge shows its value in uPlot's legend.
    const box = (await over.boundingBox())!
    await page.mouse.move(box.x + box.width - 1, box.y + box.height / 2)
    const legend = page.locator('.home-chart .u-legend .u-series').filter({ hasText: 'This period' }).locator('.u-value')
    await eventually(async () => ((await legend.innerText()) === AMOUNT_TEXT) || undefined, 15_000, `the chart's point for today at ${AMOUNT_TEXT}`)
    // Half the period earlier nothing was paid: the line rises only where the payment is.
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2)
    await eventually(async () => ((await legend.innerText()) === '€0.00') || undefined, 15_000, 'an empty day on the chart')

    // Reports: a daily XLSX of the test payments, to the founder (the form's default address), at
    // the hour it is now in the subscriber's zone: that hour has begun, so the first run is
    // tomorrow's, covering today, the payment's day.
    const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: TZ, hour: '2-digit', hourCycle: 'h23' }).format(clock.now()))
    await page.getByRole('link', { name: 'Reports', exact: true }).click()
    const form = page.getByRole('form', { name: 'New subscription' })
    await form.getByLabel('Frequency').selectOption('daily')
    await form.getByLabel('Send at').selectOption(String(hour))
    await form.getByLabel('Format').selectOption('xlsx')
    expect(await form.getByLabel('Payments').inputValue()).toBe('test')
    expect(await form.getByLabel('Recipients (up to 10, separated by commas)').inputValue()).toBe(FOUNDER)
    await form.getByRole('button', { name: 'Subscribe' }).click()
    const row = page.getByRole('region', { name: 'Your subscriptions' }).locator('tbody tr')
    await hasText(page, '.subscriptions tbody tr', `Daily at ${String(hour).padStart(2, '0')}:00`)
    expect(await row.count()).toBe(1)
    expect(await row.innerText()).toContain(TZ)
    const subscribedAt = clock.now()

    await page.goto(`${base}${projectHref}`)
    await hasText(page, 'h1', 'Default')
    await hasText(page, '.lead .badge', 'Test')
    await page.getByRole('link', { name: 'Go live' }).click()
    await page.getByLabel('Document', { exact: true }).setInputFiles({ name: 'registry-extract.pdf', mimeType: 'application/pdf', buffer: PDF })
    await hasText(page, '.doc-list', 'registry-extract.pdf')
    await page.getByLabel('Note for the operator (optional)').fill('We open on Monday.')
    await page.getByRole('button', { name: 'Request go-live' }).click()
    await hasText(page, '.alert-info', 'waiting for a platform operator')
    const projectUrl = page.url()

    // The platform operator: organisations, the request, the PDF, approval.
    const ops = await browser.newContext({ locale: 'en', acceptDownloads: true })
    ops.setDefaultTimeout(120_000)
    const opsPage = await ops.newPage()
    await signIn(opsPage, base, OPERATOR, OPERATOR_PASSWORD)
    await opsPage.getByRole('link', { name: 'Organisations' }).click()
    await opsPage.getByRole('link', { name: 'Harbour Tea' }).click()
    await hasText(opsPage, '.request', 'We open on Monday.')
    const [download] = await Promise.all([opsPage.waitForEvent('download'), opsPage.getByRole('link', { name: 'Download registry-extract.pdf' }).click()])
    expect(download.suggestedFilename()).toBe('registry-extract.pdf')
    expect(readFileSync((await download.path())!)).toEqual(PDF)
    await opsPage.getByRole('button', { name: 'Approve and switch to live' }).click()
    await hasText(opsPage, '.request .badge', 'Approved')
    const orgUrl = opsPage.url()

    const decided = await smtp.mailTo(FOUNDER, /is live on EPay/)
    expect(decided.text).toContain(`/dashboard/projects/${projectId}`)
    // An owner of an organisation with a live project must enrol a second factor first (SPEC §14).
    await page.goto(projectUrl)
    await page.waitForURL(/\/dashboard\/security$/)
    await page.getByRole('button', { name: 'Set up' }).click()
    await page.locator('img.qr').waitFor()
    const totp = (await page.locator('[data-testid="totp-secret"]').innerText()).replace(/\s/g, '')
    await page.locator('input[autocomplete="one-time-code"]').fill((await freshCode(totp, 0)).code)
    await page.getByRole('button', { name: 'Turn on' }).click()
    await page.locator('[data-testid="recovery-codes"] li').first().waitFor()
    await page.goto(projectUrl)
    await hasText(page, '.lead .badge', 'Live')
    await hasText(page, '.panel .alert-success', 'This project is live.')
    await hasText(page, 'table', 'Approved')

    // The decision in the dashboard: the bell counts it unread, and the list has it with its project.
    const bell = page.locator('a.bell')
    await eventually(async () => ((await bell.getAttribute('aria-label')) === 'Notifications, 1 unread') || undefined, 30_000, 'the bell with 1 unread')
    expect(await bell.locator('.bell-count').innerText()).toBe('1')
    await bell.click()
    const note = page.getByRole('list', { name: 'Your notifications' }).locator('li.note-unread')
    await note.first().waitFor()
    expect(await note.count()).toBe(1)
    expect(await note.innerText()).toContain('The project was approved to go live.')
    expect(await note.getByRole('link', { name: 'Open the project' }).getAttribute('href')).toBe(`/dashboard/projects/${projectId}`)

    // axe on the onboarding screens, both languages, both widths. One sign-up in each language
    // (its mail, its verify page); the widths are the same page resized.
    const violations: Record<string, unknown> = {}
    const check = async (p: Page, key: string) => {
      const found = await axeViolations(p)
      if (found.length) violations[key] = found
    }
    // English last: the founder's language is the one chosen last, and the report mail is in it.
    for (const lang of ['ru', 'en'] as const) {
      const anon = await browser.newContext({ locale: lang, viewport: { width: 1280, height: 800 } })
      anon.setDefaultTimeout(120_000)
      const a = await anon.newPage()
      await a.goto(`${base}/dashboard/sign-up`)
      await a.locator('h1').waitFor()
      for (const width of [1280, 360]) {
        await a.setViewportSize({ width, height: 800 })
        await check(a, `${lang}-${width}-sign-up`)
      }
      await a.locator('input[type="email"]').fill(`axe-${lang}-${FOUNDER}`)
      await a.locator('input[autocomplete="organization"]').fill('Axe Check')
      await a.locator('button[type="submit"]').click()
      await a.locator('.alert-success').waitFor()
      for (const width of [1280, 360]) {
        await a.setViewportSize({ width, height: 800 })
        await check(a, `${lang}-${width}-sign-up-sent`)
      }
      await a.goto(linkIn(await smtp.mailTo(`axe-${lang}-${FOUNDER}`, /EPay/), '/dashboard/verify'))
      await a.locator('input[autocomplete="new-password"]').waitFor()
      for (const width of [1280, 360]) {
        await a.setViewportSize({ width, height: 800 })
        await check(a, `${lang}-${width}-verify`)
      }
      await anon.close()

      for (const width of [1280, 360]) {
        for (const [ctxPage, path, name] of [[opsPage, `${base}/dashboard/platform`, 'platform'], [opsPage, orgUrl, 'platform-org'], [page, `${projectUrl}?tab=golive`, 'golive']] as const) {
          await ctxPage.setViewportSize({ width, height: 800 })
          await ctxPage.goto(path)
          await ctxPage.locator('#lang').selectOption(lang)
          await ctxPage.locator('h1').first().waitFor()
          await ctxPage.locator('.panel, table').first().waitFor()
          await check(ctxPage, `${lang}-${width}-${name}`)
        }
      }
    }
    expect(violations).toEqual({})
    await ops.close()
    await context.close()

    // The day passes. Last of all, because a jump of hours ends every session on the screens
    // above (30 minutes idle, by this clock): nothing after it needs one. Just before the run
    // nothing is mailed; a minute after it, the report is.
    const run = nextRunAfter(subscribedAt, { cadence: 'daily', hour, tz: TZ })
    expect(localDate(run, TZ) > paidDay, `the first run (${run.toISOString()}) comes after the payment's day ${paidDay}`).toBe(true)
    clock.advance(run.getTime() - 5_000 - clock.now().getTime())
    await new Promise((r) => setTimeout(r, 2_500))
    expect(smtp.received.filter((m) => m.to.includes(FOUNDER) && /^EPay report/.test(m.subject))).toEqual([])
    clock.advance(run.getTime() + 60_000 - clock.now().getTime())
    const report = await smtp.mailTo(FOUNDER, /^EPay report: operations/, 30_000)
    expect(report.text).toContain(`Your daily report of operations for ${paidDay}`)
    expect(report.attachments.map((a) => a.filename)).toEqual([`epay-operations-${paidDay}-${paidDay}.xlsx`])
    const records = await xlsxRecords(report.attachments[0]!.content)
    expect(records.map((r) => [r['payment_id'], r['project_id'], r['type'], r['status'], r['amount'], r['currency']])).toEqual([
      [paymentId, projectId, 'sale', 'success', AMOUNT / 100, 'EUR'],
    ])
    await world.close()
    world = undefined
  }, 900_000)
})
