// Screenshots of the onboarding screens (issue 13 item 7), en and ru, 1280 and 360 px: a server
// of its own in demo mode with registration open (mail kept, read at /dashboard/dev/mail), a
// platform operator per pass made with the CLI, and Debian's Chromium.
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { freePort, serverEnv, startServer, tempDir, type ServerProcess } from '../test/e2e/harness.ts'
import { SHOT_PASSWORD, cliWithPassword, signIn } from './dashboard-screens.ts'

const LANGS = ['en', 'ru'] as const
const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 360, height: 740 }] as const
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')

export async function onboardingScreenshots(browser: Browser, out: string): Promise<string[]> {
  const port = await freePort()
  const env = { ...serverEnv(port, { dataDir: tempDir('epay-onboarding-shots-') }), EPAY_DEMO: '1', EPAY_SIGNUP: '1', LOG_LEVEL: 'warn' }
  for (const lang of LANGS) for (const v of VIEWPORTS) {
    cliWithPassword(env, ['user', 'add', '--email', `ops-${lang}-${v.width}@epay.example`, '--role', 'platform', '--password-stdin'], SHOT_PASSWORD)
  }
  const server = await startServer(env, { timeoutMs: 180_000 })
  const files: string[] = []
  try {
    for (const lang of LANGS) for (const viewport of VIEWPORTS) files.push(...(await pass(browser, server, out, lang, viewport)))
  } finally {
    await server.stop()
  }
  return files
}

async function pass(browser: Browser, server: ServerProcess, out: string, lang: 'en' | 'ru', viewport: { width: number; height: number }): Promise<string[]> {
  const files: string[] = []
  const base = server.url
  const shooter = (page: Page) => async (name: string) => {
    const file = `dashboard-${lang}-${viewport.width}-${name}.png`
    await page.screenshot({ path: join(out, file), fullPage: true, animations: 'disabled', caret: 'hide' })
    files.push(file)
  }
  const email = `founder-${lang}-${viewport.width}@harbour-tea.example`
  const merchant = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang })
  const page = await merchant.newPage()
  const shot = shooter(page)
  await page.goto(`${base}/dashboard/sign-up`)
  await page.locator('h1').waitFor()
  await page.locator('input[type="email"]').fill(email)
  await page.locator('input[autocomplete="organization"]').fill(lang === 'ru' ? 'Чайная «Гавань»' : 'Harbour Tea')
  await shot('sign-up')
  await page.locator('button[type="submit"]').click()
  await page.locator('.alert-success').waitFor()
  await shot('sign-up-sent')

  await page.goto(`${base}/dashboard/dev/mail`)
  const mail = page.locator('.mail', { hasText: email }).first()
  await mail.waitFor()
  const link = await mail.locator('a[href*="/dashboard/verify#"]').first().getAttribute('href')
  await page.goto(link!)
  await page.locator('input[autocomplete="new-password"]').fill('saffron-kettle-64-meadow')
  await page.locator('.meter-text').waitFor()
  await shot('verify')
  await page.locator('button[type="submit"]').click()
  await page.locator('[data-testid="project-secret"]').waitFor()
  await shot('welcome')

  await page.locator('.actions a.btn-primary').click()
  await page.locator('h1').waitFor()
  const project = new URL(page.url()).pathname
  await page.goto(`${base}${project}?tab=golive`)
  await page.locator('.panel input[type="file"]').waitFor()
  await shot('project-golive')
  await page.locator('.panel input[type="file"]').setInputFiles({ name: lang === 'ru' ? 'выписка-из-реестра.pdf' : 'registry-extract.pdf', mimeType: 'application/pdf', buffer: PDF })
  await page.locator('.panel .doc-list li').first().waitFor()
  await page.locator('.panel textarea').fill(lang === 'ru' ? 'Открываемся в понедельник.' : 'We open on Monday.')
  await page.locator('.panel form .btn-primary').click()
  await page.locator('.panel .alert-info').waitFor()
  await shot('project-golive-pending')

  const operator = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang })
  const ops = await operator.newPage()
  const opsShot = shooter(ops)
  await signIn(ops, base, `ops-${lang}-${viewport.width}@epay.example`, SHOT_PASSWORD)
  await ops.locator('#lang').selectOption(lang)
  await ops.goto(`${base}/dashboard/platform`)
  await ops.locator('table').waitFor()
  await opsShot('platform')
  await ops.locator('table a', { hasText: lang === 'ru' ? 'Гавань' : 'Harbour Tea' }).first().click()
  await ops.locator('.request').first().waitFor()
  await opsShot('platform-org')
  await ops.locator('.request .actions .btn').nth(1).click()
  await ops.locator('.request textarea').fill(lang === 'ru' ? 'Выписка нечитаема' : 'The extract is not legible')
  await opsShot('platform-reject')
  await ops.locator('.request form .btn-danger').click()
  await ops.locator('.request .badge-disabled').waitFor()
  // The merchant sees the reason before the organisation is suspended (which signs it out).
  await page.goto(`${base}${project}?tab=golive`)
  await page.locator('.panel .alert-warning').waitFor()
  await shot('project-golive-rejected')
  await ops.locator('form input[type="text"]').fill(lang === 'ru' ? 'Проверка возвратных платежей' : 'Chargebacks under review')
  await ops.locator('form .btn-danger').click()
  await ops.locator('.alert-warning').waitFor()
  await opsShot('platform-org-suspended')
  await operator.close()

  await merchant.close()
  return files
}
