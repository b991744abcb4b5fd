import { chromium, type Browser, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { CHROMIUM_LAUNCH, browserAvailable, cli, fillCard, freePort, serverEnv, startServer, tempDir, type ServerProcess } from './harness.ts'

const SECRET = 'language-secret'
const PROJECT = 9400

/**
 * Issue 16 item 1: a Russian shopper reads every decline in Russian, whatever the simulated
 * acquirer or wallet said in English, on the real server, page, ACS and wallet pages.
 */
describe.skipIf(!browserAvailable())('a Russian shopper in Chromium', () => {
  let server: ServerProcess
  let browser: Browser

  beforeAll(async () => {
    const port = await freePort()
    const env = serverEnv(port, { dataDir: tempDir('epay-language-') })
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Магазин', '--callback-url', 'https://shop.example/cb', '--test', '--secret-stdin'], `${SECRET}\n`)
    server = await startServer(env)
    browser = await chromium.launch(CHROMIUM_LAUNCH)
  })
  afterAll(async () => {
    await browser?.close()
    await server?.stop()
  })

  async function openRussianPayment(extra: Record<string, string> = {}): Promise<Page> {
    const page = await browser.newPage({ locale: 'en-US' })
    const params = {
      project_id: String(PROJECT), payment_id: `ru-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`,
      payment_amount: '1500', payment_currency: 'EUR', language_code: 'ru', ...extra,
    }
    await page.goto(`${server.url}/payment?${new URLSearchParams({ ...params, signature: sign(params, SECRET) })}`)
    await page.locator('[data-state="form"]').waitFor()
    return page
  }

  const declined = async (page: Page, reason: string) => {
    await page.locator('[data-state="decline"]').waitFor({ timeout: 20_000 })
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Платёж отклонён')
    expect(await page.locator('[data-decline-code]').textContent()).toBe(reason)
    // Nothing the provider said in English reaches the shopper.
    expect(await page.locator('main').textContent()).not.toMatch(/declined|funds|authentication|account|processed/i)
  }

  it.each([
    ['4000000000000002', 'Банк отклонил карту.'],
    ['4000000000009995', 'На карте недостаточно средств.'],
  ])('card %s is declined with the Russian reason, and Try again keeps the name', async (pan, reason) => {
    const page = await openRussianPayment()
    await fillCard(page, { pan, holder: 'IVAN PETROV' })
    await page.locator('button[type="submit"]').click()
    await declined(page, reason)
    await page.getByRole('button', { name: 'Попробовать снова' }).click()
    await page.locator('[data-state="form"]').waitFor()
    expect(await page.locator('.form-alert').textContent()).toBe(`Предыдущая попытка отклонена: ${reason}`)
    expect(await page.locator('input[autocomplete="cc-name"]').inputValue()).toBe('IVAN PETROV')
    expect(await page.locator('input[autocomplete="cc-number"]').inputValue()).toBe('')
    await page.close()
  })

  it.each(['Не пройти проверку', 'Отменить'])('3-D Secure "%s" on the Russian ACS page is declined with the Russian reason', async (button) => {
    const page = await openRussianPayment()
    await fillCard(page, { pan: '4000000000003220' })
    await page.locator('button[type="submit"]').click()
    await page.getByRole('heading', { name: 'Проверка 3-D Secure' }).waitFor({ timeout: 20_000 })
    await page.getByRole('button', { name: button, exact: true }).click()
    await declined(page, 'Проверка 3-D Secure не пройдена.')
    await page.close()
  })

  it('a declined Jeton payment on the Russian wallet page shows the Russian reason', async () => {
    const page = await openRussianPayment({ force_payment_method: 'jeton' })
    await page.locator('button[type="submit"]').click()
    await page.getByRole('button', { name: 'Отклонить', exact: true }).click({ timeout: 20_000 })
    await declined(page, 'Кошелёк отклонил платёж.')
    await page.close()
  })

  it('names a Mir card «Мир» while typing', async () => {
    const page = await openRussianPayment()
    await page.locator('input[autocomplete="cc-number"]').fill('2200 0000 0000 0004')
    await page.getByText('Тип карты: Мир').waitFor()
    await page.close()
  })
})
