import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { freshCode, signIn, cliWithPassword } from '../../scripts/dashboard-screens.ts'
import { linkIn, startSmtp } from '../fixtures/smtp.ts'
import { axeViolations } from './axe.ts'
import { CHROMIUM_LAUNCH, browserAvailable, eventually, freePort, serverEnv, startServer, type ServerProcess } from './harness.ts'
import { dataDir } from './data-dir.ts'

const FOUNDER_PASSWORD = 'saffron-kettle-64-meadow'
const OPERATOR = 'ops@epay.example'
const OPERATOR_PASSWORD = 'granite-falcon-19-harbour'
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

// Onboarding end to end in Chromium (issue 13 item 7): a merchant registers, verifies by the
// mailed link (a real SMTP server on loopback), lands on its test project with the snippet,
// asks to go live with a PDF; a platform operator (made with the CLI) approves; the owner gets
// the mail and sees the project live. axe on the new screens at 1280 and 360 px, en and ru.
describe.skipIf(!browserAvailable())('onboarding in Chromium', () => {
  let server: ServerProcess
  let browser: Browser
  let smtp: Awaited<ReturnType<typeof startSmtp>>

  beforeAll(async () => {
    smtp = await startSmtp()
    const port = await freePort()
    const env = { ...serverEnv(port, { dataDir: dataDir('epay-onboarding-e2e-') }), EPAY_DEMO: '0', EPAY_SIGNUP: '1', SMTP_URL: smtp.url, MAIL_FROM: 'EPay <no-reply@epay.test>' }
    cliWithPassword(env, ['user', 'add', '--email', OPERATOR, '--role', 'platform', '--password-stdin'], OPERATOR_PASSWORD)
    server = await startServer(env, { timeoutMs: 180_000 })
    browser = await chromium.launch(CHROMIUM_LAUNCH)
    // The CLI and the server each open PGlite and hash a password (scrypt): minutes on a busy machine.
  }, 600_000)
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
    await smtp?.close()
  })

  it('registers, verifies by mail, asks to go live with a PDF; an operator approves; the owner sees it live', async () => {
    // A new address on every attempt: a retry must not find the link an earlier attempt used.
    const FOUNDER = `founder-${Date.now()}@harbour-tea.example`
    const context = await browser.newContext({ locale: 'en' })
    // Verification and sign-in hash passwords (scrypt): slow on a busy machine.
    context.setDefaultTimeout(120_000)
    const page = await context.newPage()
    await page.goto(`${server.url}/dashboard/sign-in`)
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

    await page.getByRole('link', { name: 'Open project settings' }).click()
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
    await signIn(opsPage, server.url, OPERATOR, OPERATOR_PASSWORD)
    await opsPage.getByRole('link', { name: 'Organisations' }).click()
    await opsPage.getByRole('link', { name: 'Harbour Tea' }).click()
    await hasText(opsPage, '.request', 'We open on Monday.')
    const [download] = await Promise.all([opsPage.waitForEvent('download'), opsPage.getByRole('link', { name: 'Download registry-extract.pdf' }).click()])
    expect(download.suggestedFilename()).toBe('registry-extract.pdf')
    expect((await import('node:fs')).readFileSync((await download.path())!)).toEqual(PDF)
    await opsPage.getByRole('button', { name: 'Approve and switch to live' }).click()
    await hasText(opsPage, '.request .badge', 'Approved')
    const orgUrl = opsPage.url()

    const decided = await smtp.mailTo(FOUNDER, /is live on EPay/)
    expect(decided.text).toContain('/dashboard/projects/')
    // An owner of an organisation with a live project must enrol a second factor first (SPEC §14).
    await page.goto(projectUrl)
    await page.waitForURL(/\/dashboard\/security$/)
    await page.getByRole('button', { name: 'Set up' }).click()
    await page.locator('img.qr').waitFor()
    const secret = (await page.locator('[data-testid="totp-secret"]').innerText()).replace(/\s/g, '')
    await page.locator('input[autocomplete="one-time-code"]').fill((await freshCode(secret, 0)).code)
    await page.getByRole('button', { name: 'Turn on' }).click()
    await page.locator('[data-testid="recovery-codes"] li').first().waitFor()
    await page.goto(projectUrl)
    await hasText(page, '.lead .badge', 'Live')
    await hasText(page, '.panel .alert-success', 'This project is live.')
    await hasText(page, 'table', 'Approved')

    // axe on the new screens, both languages, both widths.
    const violations: Record<string, unknown> = {}
    for (const lang of ['en', 'ru'] as const) {
      for (const width of [1280, 360]) {
        const check = async (p: Page, name: string) => {
          const found = await axeViolations(p)
          if (found.length) violations[`${lang}-${width}-${name}`] = found
        }
        const anon = await browser.newContext({ locale: lang, viewport: { width, height: 800 } })
        anon.setDefaultTimeout(120_000)
        const a = await anon.newPage()
        await a.goto(`${server.url}/dashboard/sign-up`)
        await a.locator('h1').waitFor()
        await check(a, 'sign-up')
        await a.locator('input[type="email"]').fill(`axe-${lang}-${width}-${FOUNDER}`)
        await a.locator('input[autocomplete="organization"]').fill('Axe Check')
        await a.locator('button[type="submit"]').click()
        await a.locator('.alert-success').waitFor()
        await check(a, 'sign-up-sent')
        const link = linkIn(await smtp.mailTo(`axe-${lang}-${width}-${FOUNDER}`, /EPay/), '/dashboard/verify')
        await a.goto(link)
        await a.locator('input[autocomplete="new-password"]').waitFor()
        await check(a, 'verify')
        await anon.close()

        for (const [ctxPage, path, name] of [[opsPage, '/dashboard/platform', 'platform'], [opsPage, orgUrl, 'platform-org'], [page, `${projectUrl}?tab=golive`, 'golive']] as const) {
          await ctxPage.setViewportSize({ width, height: 800 })
          await ctxPage.goto(path.startsWith('http') ? path : `${server.url}${path}`)
          await ctxPage.locator('#lang').selectOption(lang)
          await ctxPage.locator('h1').first().waitFor()
          await ctxPage.locator('.panel, table').first().waitFor()
          await check(ctxPage, name)
        }
      }
    }
    expect(violations).toEqual({})
    await ops.close()
    await context.close()
  }, 900_000)
})
