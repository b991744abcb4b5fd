// Screenshots of every dashboard screen and state (SPEC §14), en and ru, 1280 and 360 px, for
// `npm run screenshots`: a real server in demo mode (mail kept, readable at /dashboard/dev/mail),
// an organisation, projects and owners made with the CLI, and Debian's Chromium.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { totpCode } from '../server/dashboard/auth/totp.ts'
import { sign } from '../server/signature/signature.ts'
import { ROOT, cli, freePort, serverEnv, startServer, tempDir, type ServerProcess } from '../test/e2e/harness.ts'
import { onboardingScreenshots } from './onboarding-screens.ts'

export const SHOT_PASSWORD = 'harbour-violet-38-compass'
const LANGS = ['en', 'ru'] as const
const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 360, height: 740 }] as const
/** Project 9500's secret, so the script can ask the Gate for a payout as a merchant would. */
const SHOP_SECRET = 'northwind-screens-secret'

/** A card payout far above the balance through the Gate: declined with 3028, a notification. */
async function payoutAboveBalance(base: string): Promise<void> {
  const body = { general: { project_id: 9500, payment_id: `shot-payout-${Date.now()}` }, payment: { amount: 900_000_000, currency: 'EUR' }, card: { pan: '5555555555554444', year: 2034, month: 1 } }
  const signed = { ...body, general: { ...body.general, signature: sign(body, SHOP_SECRET) } }
  const res = await fetch(`${base}/v2/payment/card/payout`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed) })
  if (!res.ok) throw new Error(`payout for the screenshots failed: ${res.status} ${await res.text()}`)
}

/** Runs the CLI with a password on stdin, as an operator would. */
export function cliWithPassword(env: Record<string, string>, args: string[], password: string): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: ROOT, env, input: `${password}\n`, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** A TOTP code of a time step after `afterStep` (waits for the next step: each code is good once). */
export async function freshCode(secret: string, afterStep: number): Promise<{ code: string; step: number }> {
  for (;;) {
    const step = Math.floor(Date.now() / 30_000)
    if (step > afterStep) return { code: totpCode(secret, new Date()), step }
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** Signs in through the page (password, then the TOTP code when asked). */
export async function signIn(page: Page, base: string, email: string, password: string, totpSecret?: string): Promise<void> {
  await page.goto(`${base}/dashboard/sign-in`)
  await page.locator('input[autocomplete="username"]').fill(email)
  await page.locator('input[autocomplete="current-password"]').fill(password)
  await page.locator('button[type="submit"]').click()
  if (totpSecret) {
    const code = page.locator('input[autocomplete="one-time-code"]')
    await code.waitFor()
    await code.fill(totpCode(totpSecret, new Date()))
    await page.locator('button[type="submit"]').click()
  }
  await page.locator('nav.nav').waitFor()
}

export async function dashboardScreenshots(browser: Browser, out: string): Promise<string[]> {
  const port = await freePort()
  const env = { ...serverEnv(port, { dataDir: tempDir('epay-dash-shots-') }), EPAY_DEMO: '1', LOG_LEVEL: 'warn' }
  const org = cli(env, ['org', 'add', '--name', 'Northwind Audio']).trim().split('\n').at(-1)!
  cli(env, ['project', 'add', '--id', '9500', '--name', 'Northwind web shop', '--org', org, '--test', '--secret-stdin', '--callback-url', 'https://northwind.example/epay/callbacks', '--origin', 'https://northwind.example', '--return-host', 'northwind.example'], `${SHOP_SECRET}\n`)
  cli(env, ['project', 'add', '--id', '9501', '--name', 'Northwind mobile app', '--org', org, '--test'])
  // A year of payments for the home screen (figures, chart, countries, declines).
  const seeded = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/seed.ts', '--payments', '4000', '--project', '9500', '--project', '9501'], { cwd: ROOT, env, encoding: 'utf8' })
  if (seeded.status !== 0) throw new Error(`seed failed: ${seeded.stderr}`)
  // A live project of another organisation (its owners would need a second factor), connected
  // upstream, with a week of reconciliation runs (scripts/seed-reconciliation.ts) for its viewers.
  const liveOrg = cli(env, ['org', 'add', '--name', 'Northwind Live']).trim().split('\n').at(-1)!
  cli(env, ['project', 'add', '--id', '9502', '--name', 'Northwind EU', '--org', liveOrg])
  cliWithPassword(env, ['project', 'connect', '--id', '9502', '--provider', 'ecommpay-gate', '--url', 'https://gate.upstream.example', '--upstream-project-id', '4410', '--methods', 'card,jeton', '--secret-stdin'], 'upstream-secret-for-screens')
  for (const script of [['scripts/seed.ts', '--payments', '2500', '--project', '9502'], ['scripts/seed-reconciliation.ts', '--project', '9502', '--days', '7']]) {
    const done = spawnSync(process.execPath, ['--import', 'tsx', ...script], { cwd: ROOT, env, encoding: 'utf8' })
    if (done.status !== 0) throw new Error(`${script[0]} failed: ${done.stderr}`)
  }
  for (const lang of LANGS) for (const v of VIEWPORTS) {
    cliWithPassword(env, ['user', 'add', '--email', `viewer-${lang}-${v.width}@northwind.example`, '--role', 'viewer', '--org', liveOrg, '--password-stdin'], SHOT_PASSWORD)
  }
  const owners: string[] = []
  for (const lang of LANGS) for (const v of VIEWPORTS) {
    const email = `owner-${lang}-${v.width}@northwind.example`
    cliWithPassword(env, ['user', 'add', '--email', email, '--role', 'owner', '--org', org, '--password-stdin'], SHOT_PASSWORD)
    owners.push(email)
  }
  const server = await startServer(env, { timeoutMs: 180_000 })
  const files: string[] = []
  try {
    let i = 0
    for (const lang of LANGS) for (const viewport of VIEWPORTS) files.push(...(await pass(browser, server, out, lang, viewport, owners[i++]!)))
  } finally {
    await server.stop()
  }
  files.push(...(await onboardingScreenshots(browser, out)))
  return files
}

async function pass(browser: Browser, server: ServerProcess, out: string, lang: 'en' | 'ru', viewport: { width: number; height: number }, email: string): Promise<string[]> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang })
  const page = await context.newPage()
  const files: string[] = []
  const base = server.url
  const shot = async (name: string) => {
    const file = `dashboard-${lang}-${viewport.width}-${name}.png`
    await page.screenshot({ path: join(out, file), fullPage: true, animations: 'disabled', caret: 'hide' })
    files.push(file)
  }
  const heading = () => page.locator('h1').first().waitFor()
  const submit = () => page.locator('button[type="submit"]').first().click()

  await page.goto(`${base}/dashboard/sign-in`)
  await heading()
  await shot('sign-in')
  await page.locator('input[autocomplete="username"]').fill(email)
  await page.locator('input[autocomplete="current-password"]').fill('not-the-password-at-all')
  await submit()
  await page.locator('.alert-error').waitFor()
  await shot('sign-in-error')

  await page.goto(`${base}/dashboard/forgot`)
  await heading()
  await shot('forgot')
  await page.locator('input[type="email"]').fill(email)
  await submit()
  await page.locator('.alert-success').waitFor()
  await shot('forgot-sent')

  await signIn(page, base, email, SHOT_PASSWORD)
  // The user's saved language wins over the browser's: choose it as a user would.
  await page.locator('#lang').selectOption(lang)
  // Signing in lands on Home: seeded payments of the organisation's test projects.
  await page.waitForURL(/\/dashboard\/home$/)
  await page.locator('.home .kpis').waitFor()
  await page.locator('.home .uplot canvas').first().waitFor()
  await shot('home')
  await page.goto(`${base}/dashboard/payments?status=success`)
  await page.locator('table.payments tbody tr').first().waitFor()
  await shot('payments')
  await page.locator('table.payments tbody tr a').first().click()
  await page.locator('.timeline li').first().waitFor()
  await shot('payment-detail')
  await page.goto(`${base}/dashboard/reports`)
  await page.locator('.report-form').waitFor()
  await page.locator('.empty').first().waitFor()
  await shot('reports-empty')
  // Two reports made in the background: operations as CSV, then statistics as XLSX.
  await page.locator('.report-form button[type="submit"]').click()
  await page.locator('table.reports a[download]').first().waitFor({ timeout: 60_000 })
  await page.locator('.report-form select').first().selectOption('statistics')
  await page.locator('.report-form select').last().selectOption('xlsx')
  await page.locator('.report-form button[type="submit"]').click()
  await page.locator('table.reports tbody tr').nth(1).waitFor()
  await page.locator('table.reports tbody tr').first().locator('a[download]').waitFor({ timeout: 60_000 })
  await shot('reports')
  // Subscriptions: a weekly statistics mail to two addresses, and a daily one paused.
  const subs = page.locator('.subs-form')
  await subs.locator('select').first().selectOption('statistics')
  await subs.locator('select').nth(1).selectOption('weekly')
  await subs.locator('select').last().selectOption('xlsx')
  await subs.locator('input').fill(`${email}, books@northwind.example`)
  await subs.locator('button[type="submit"]').click()
  await page.locator('table.subs tbody tr').first().waitFor()
  await subs.locator('select').first().selectOption('operations')
  await subs.locator('select').nth(1).selectOption('daily')
  await subs.locator('button[type="submit"]').click()
  await page.locator('table.subs tbody tr').nth(1).locator('button').first().click()
  await page.locator('table.subs .status').waitFor()
  await shot('reports-subscriptions')
  // An invoice: the form, the invoice mailed (demo mode keeps the mail), and the list.
  await page.goto(`${base}/dashboard/invoices/new`)
  await page.locator('input[name="amount"]').waitFor()
  await page.locator('input[name="amount"]').fill('149.90')
  await page.locator('form.panel input').nth(1).fill(lang === 'ru' ? 'Наушники Northwind Studio' : 'Northwind Studio headphones')
  await page.locator('input[type="email"]').fill('customer@example.com')
  await shot('invoice-new')
  await submit()
  await page.locator('img.qr').waitFor()
  await page.locator('.send-form button[type="submit"]').click()
  await page.locator('.alert-success').waitFor()
  await shot('invoice')
  await page.goto(`${base}/dashboard/invoices`)
  await page.locator('table.invoices tbody tr').first().waitFor()
  await shot('invoices')
  await balanceShots(page, base, shot)
  // Notifications: the two ready reports and a payout declined for the balance, all unread.
  await payoutAboveBalance(base)
  await page.goto(`${base}/dashboard/notifications`)
  for (let tries = 0; (await page.locator('.notes .note').count()) < 3 && tries < 30; tries++) {
    await page.waitForTimeout(1_000)
    await page.reload()
    await page.locator('h1').first().waitFor()
  }
  await page.locator('.bell-count').waitFor()
  await shot('notifications')
  await page.locator('.page-head .btn').click()
  await page.locator('.bell-count').waitFor({ state: 'detached' })
  await shot('notifications-read')
  // The organisation's large-refund threshold, as its owners change it: a number out of range.
  const threshold = page.locator('section[aria-labelledby="large-refund-title"]')
  await threshold.locator('input').fill('0')
  await threshold.locator('button[type="submit"]').click()
  await threshold.locator('.field-error').waitFor()
  await shot('notifications-threshold-error')
  await page.goto(`${base}/dashboard/projects`)
  await page.locator('table').first().waitFor()
  await shot('projects')

  await page.locator('.page-head .btn-primary').click()
  await page.locator('#create-title').waitFor()
  await shot('project-create')
  await page.locator('form.panel input').first().fill(lang === 'ru' ? 'Витрина Northwind' : 'Northwind pop-up store')
  await submit()
  await page.locator('[data-testid="project-secret"]').waitFor()
  await shot('project-created')

  await page.goto(`${base}/dashboard/projects/9500`)
  await page.locator('form.panel').waitFor()
  await shot('project-settings')
  await page.goto(`${base}/dashboard/projects/9500?tab=limits`)
  await page.locator('form.panel').waitFor()
  if ((await page.locator('table.table-form').count()) === 0) {
    await page.getByRole('button', { name: lang === 'ru' ? 'Добавить лимит' : 'Add a limit' }).click()
    await page.locator('table.table-form input').nth(1).fill('5000000')
    await page.locator('table.table-form input').nth(4).fill('100000000')
    await page.locator('form.panel .btn-primary').click()
    await page.locator('.alert-success').waitFor()
  }
  await shot('project-limits')
  await page.goto(`${base}/dashboard/projects/9500?tab=secret`)
  await page.locator('.panel').waitFor()
  await page.locator('.actions .btn').first().click()
  await page.locator('.confirm').waitFor()
  await shot('project-secret-confirm')
  // The upstream connection: none, connected (the secret sealed, never shown), then disconnected
  // again so the next pass starts from none.
  await page.goto(`${base}/dashboard/projects/9501?tab=connection`)
  await page.locator('.panel form').waitFor()
  await shot('project-connection-empty')
  await page.locator('.panel input[type="url"]').fill('https://gate.upstream.example')
  await page.locator('.panel input[inputmode="numeric"]').fill('4410')
  await page.locator('.panel input[type="password"]').fill('upstream-secret-for-screens')
  await page.locator('.panel form .btn-primary').click()
  await page.locator('.panel .alert-success').waitFor()
  await shot('project-connection')
  await page.locator('.panel > .actions .btn-danger').click()
  await page.locator('.panel .confirm').waitFor()
  await shot('project-connection-disconnect')
  await page.locator('.panel .confirm .btn-danger').click()
  await page.locator('.panel .confirm').waitFor({ state: 'detached' })

  await page.goto(`${base}/dashboard/team`)
  await page.locator('table').waitFor()
  await page.locator('.page-head .btn-primary').click()
  await page.locator('#member-form-title').waitFor()
  await page.locator('form.panel input[type="email"]').fill(`manager-${lang}-${viewport.width}@northwind.example`)
  await page.locator('form.panel select').selectOption('manager')
  await shot('team-invite')
  await submit()
  await page.locator('.alert-success').waitFor()
  await shot('team')

  await page.goto(`${base}/dashboard/security`)
  await page.getByRole('button', { name: lang === 'ru' ? 'Настроить' : 'Set up' }).click()
  await page.locator('img.qr').waitFor()
  await shot('security-totp-setup')
  const secret = (await page.locator('[data-testid="totp-secret"]').innerText()).replace(/\s/g, '')
  const enrolled = await freshCode(secret, 0)
  await page.locator('input[autocomplete="one-time-code"]').fill(enrolled.code)
  await submit()
  await page.locator('[data-testid="recovery-codes"]').waitFor()
  await shot('security-recovery-codes')

  await page.goto(`${base}/dashboard/journal`)
  await page.locator('table.journal').waitFor()
  await page.locator('.verify .alert').waitFor()
  await shot('journal')
  await page.goto(`${base}/dashboard/nowhere`)
  await heading()
  await shot('not-found')

  await page.locator('.topbar-end button').click()
  await page.waitForURL(/\/dashboard\/sign-in/)
  await page.locator('input[autocomplete="username"]').waitFor()
  await page.locator('input[autocomplete="username"]').fill(email)
  await page.locator('input[autocomplete="current-password"]').fill(SHOT_PASSWORD)
  await submit()
  await page.locator('input[autocomplete="one-time-code"]').waitFor()
  await shot('sign-in-totp')
  await page.locator('input[autocomplete="one-time-code"]').fill((await freshCode(secret, enrolled.step)).code)
  await submit()
  await page.locator('nav.nav').waitFor()

  await page.goto(`${base}/dashboard/dev/mail`)
  await page.locator('.mail').first().waitFor()
  await shot('dev-mail')
  const invite = await page.locator('.mail a[href*="/dashboard/invitation#"]').first().getAttribute('href')
  await page.goto(invite!)
  await page.locator('input[autocomplete="new-password"]').waitFor()
  await page.locator('input[autocomplete="new-password"]').fill('correct-tulip-staple-9')
  await page.locator('.meter-text').waitFor()
  await shot('invitation')
  await page.goto(`${base}/dashboard/reset`)
  await heading()
  await shot('reset-no-link')
  await context.close()
  files.push(...(await reconciliationPass(browser, base, out, lang, viewport)))
  return files
}

/** The reconciliation tab of the live project, as one of its viewers sees it: the week, a clean day, a day with mismatches; then their notifications. */
export async function reconciliationPass(browser: Browser, base: string, out: string, lang: 'en' | 'ru', viewport: { width: number; height: number }): Promise<string[]> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: lang })
  const page = await context.newPage()
  const files: string[] = []
  const shot = async (name: string) => {
    const file = `dashboard-${lang}-${viewport.width}-${name}.png`
    await page.screenshot({ path: join(out, file), fullPage: true, animations: 'disabled', caret: 'hide' })
    files.push(file)
  }
  await signIn(page, base, `viewer-${lang}-${viewport.width}@northwind.example`, SHOT_PASSWORD)
  await page.locator('#lang').selectOption(lang)
  await page.goto(`${base}/dashboard/projects/9502?tab=reconciliation`)
  await page.locator('.panel .alert-success').waitFor()
  await shot('project-reconciliation')
  await page.locator('.panel table tbody tr:has(.recon-bad) a').first().click()
  await page.locator('table.recon').waitFor()
  await shot('project-reconciliation-mismatches')
  // A viewer's notifications: the large-refund threshold read-only.
  await page.goto(`${base}/dashboard/notifications`)
  await page.locator('section[aria-labelledby="large-refund-title"] .alert-info').waitFor()
  await shot('notifications-viewer')
  await context.close()
  return files
}

/**
 * Balance and payouts: the balances of the seeded ledger, a payout's confirmation, a payout paid
 * to a wallet, and one above the balance declined with 3028.
 */
export async function balanceShots(page: Page, base: string, shot: (name: string) => Promise<void>): Promise<void> {
  await page.goto(`${base}/dashboard/balance`)
  await page.locator('table.balances tbody tr').first().waitFor()
  await shot('balance')
  const form = page.locator('form.payout-form')
  await form.locator('select[name="currency"]').selectOption('EUR')
  await form.locator('input[name="amount"]').fill('25.00')
  await form.locator('input[name="kind"][value="wallet"]').check()
  await form.locator('input[name="account"]').fill('JT0000012345')
  await form.locator('button[type="submit"]').click()
  await page.locator('.confirm').waitFor()
  await shot('payout-confirm')
  await page.locator('.confirm .btn-primary').click()
  await page.locator('.alert-success').waitFor()
  await page.locator('table.payouts tbody tr').first().waitFor()
  // More than a balance the wallet could still pay (Jeton takes up to 100 000 units): declined
  // with 3028, whatever the seed has paid in.
  const rows = await page.locator('table.balances tbody tr').evaluateAll((trs) => trs.map((tr) => ({
    project: tr.querySelector('th')!.firstChild!.textContent!.trim(),
    currency: tr.querySelectorAll('td')[0]!.textContent!.trim(),
    cents: Number(tr.querySelectorAll('td')[1]!.textContent!.replace(/\D/g, '')),
  })))
  const target = rows.find((r) => ['EUR', 'USD'].includes(r.currency) && r.cents > 0 && r.cents < 9_900_000)
  if (!target) throw new Error(`no EUR or USD balance under 99 000 to overdraw: ${JSON.stringify(rows)}`)
  await form.locator('select[name="project"]').selectOption({ label: target.project })
  await form.locator('select[name="currency"]').selectOption(target.currency)
  await form.locator('input[name="amount"]').fill(((target.cents + 100_000) / 100).toFixed(2))
  await form.locator('button[type="submit"]').click()
  await page.locator('.confirm .btn-primary').click()
  await page.locator('.alert-error').waitFor()
  await page.locator('table.payouts tbody tr').nth(1).waitFor()
  await shot('payout-3028')
}
