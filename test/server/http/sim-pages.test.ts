import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LANGUAGES, PaymentStateSchema } from '../../../protocol/schemas/page-api.ts'
import { SIM_TEXT } from '../../../server/http/sim-page-text.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { formPost, locationOf, pathOf } from '../../fixtures/sim-browser.ts'
import { fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

const THREE_DS = { pan: '4000000000003220', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }

/**
 * The test ACS and wallet pages show what a real ACS shows — merchant, amount, last four digits —
 * in the payment's language. @see issue 16, items 1 and 7
 */
describe.each(testDatabases())('the test ACS and wallet pages on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    t = await makeTestApp(sql, { clock: fixedClock() })
  })
  afterAll(() => sql.close())

  const start = async (params: Record<string, string | number>, body: unknown, headers: Record<string, string> = {}) => {
    const token = tokenFrom(await (await t.app.request(`/payment?${signedQuery(paymentParams(params))}`)).text())
    const response = await t.app.request('/api/page/pay', {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    })
    const entry = v.parse(PaymentStateSchema, await response.json()).redirect_data!
    if (entry.method === 'GET') return (await t.app.request(pathOf(entry.url), { headers })).text()
    const posted = await t.app.request(pathOf(entry.url), formPost(entry.body))
    return (await t.app.request(pathOf(locationOf(posted)), { headers })).text()
  }

  it('shows the merchant, the amount and the last four digits, in Russian for language_code=ru', async () => {
    const html = await start({ language_code: 'ru', payment_amount: 249000, payment_currency: 'RUB' }, { method: 'card', card: THREE_DS })
    expect(html).toContain('<html lang="ru">')
    expect(html).toContain('Проверка 3-D Secure')
    expect(html).toContain('Test Shop')
    expect(html).toMatch(/2\s490,00\s₽/)
    expect(html).toContain('заканчивается на 3220')
    expect(html).not.toContain('4000000000003220')
    for (const word of ['Подтвердить', 'Не пройти проверку', 'Отменить']) expect(html).toContain(word)
  })

  it('speaks English by default and follows the browser when the payment names no language', async () => {
    const english = await start({ payment_amount: 1999 }, { method: 'card', card: THREE_DS })
    expect(english).toContain('<html lang="en">')
    expect(english).toContain('€19.99')
    expect(english).toContain('ending 3220')
    const german = await start({ payment_amount: 1999 }, { method: 'card', card: THREE_DS }, { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' })
    expect(german).toContain('<html lang="de">')
    expect(german).toContain(SIM_TEXT['de']!.confirm)
  })

  it('shows the wallet page in the payment\'s language, with merchant and amount', async () => {
    const html = await start({ language_code: 'ru', payment_amount: 1500 }, { method: 'jeton' })
    expect(html).toContain('<html lang="ru">')
    expect(html).toContain('Test Shop')
    expect(html).toMatch(/15,00\s€/)
    for (const word of [SIM_TEXT['ru']!.success, SIM_TEXT['ru']!.decline, SIM_TEXT['ru']!.wallet_prompt]) expect(html).toContain(word)
  })

  it('has every string in each of the page\'s twelve languages', () => {
    expect(Object.keys(SIM_TEXT).sort()).toEqual([...LANGUAGES].sort())
    for (const [lang, text] of Object.entries(SIM_TEXT)) {
      for (const [key, value] of Object.entries(text)) expect(value.trim(), `${lang}.${key}`).not.toBe('')
      expect(text.card_ending, lang).toContain('{last4}')
    }
  })
})
