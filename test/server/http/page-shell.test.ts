import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pageLanguage } from '../../../server/http/page-languages.ts'
import { openPglite } from '../../../server/storage/pglite.ts'
import { migrate } from '../../../server/storage/migrate.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

// The first screen inside the /payment answer (SPEC §13, #15 item 1): rendered in the page's
// language from stored data only, merchant text escaped, the language's catalogue beside it.
describe('the first screen in the /payment answer', () => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await openPglite(undefined)
    await migrate(sql)
    t = await makeTestApp(sql)
  })
  afterAll(() => sql.close())

  const open = (params: Record<string, string | number | boolean>, headers: Record<string, string> = {}) =>
    t.app.request(`/payment?${signedQuery(paymentParams(params)).toString()}`, { headers })

  it('renders amount, merchant, badge and form title in the signed language, with its catalogue', async () => {
    const html = await (await open({ payment_amount: 123456, language_code: 'ru', payment_description: '<img src=x onerror=alert(1)>' })).text()
    expect(html).toMatch(/<div id="app"><main class="page" data-state="shell">/)
    expect(html).toContain('<p class="summary__amount"><span class="sr-only">Сумма: </span>1\u00a0234,56\u00a0€</p>')
    expect(html).toContain('Тестовый платёж')
    expect(html).toContain('&lt;img src=x onerror=alert(1)>')
    expect(html).not.toContain('<img src=x')
    const i18n = JSON.parse(/id="epay-i18n">(.*?)<\/script>/s.exec(html)![1]!) as { lang: string; messages: Record<string, string> }
    expect(i18n.lang).toBe('ru')
    expect(i18n.messages['pay']).toMatch(/Оплатить/)
    expect(tokenFrom(html)).toMatch(/^ey/)
  })

  it('follows Accept-Language when the merchant signed no language, and names English without a catalogue', async () => {
    const de = await (await open({}, { 'accept-language': 'fr-CH;q=0.5, de-DE, en;q=0.8' })).text()
    expect(de).toContain('id="epay-i18n">{"lang":"de"')
    const en = await (await open({}, { 'accept-language': 'xx, *;q=0.1' })).text()
    expect(en).toContain('id="epay-i18n">{"lang":"en"}</script>')
    expect(pageLanguage(undefined, 'ru;q=0, uk;q=0.3, kk;q=0.2')).toBe('uk')
    expect(pageLanguage('pl', 'ru')).toBe('pl')
  })

  it('gzips the answer for a browser in one step, and sends it plain to a client that accepts no encoding', async () => {
    const gz = await open({}, { 'accept-encoding': 'gzip, deflate, br' })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(gz.headers.get('content-type')).toContain('text/html')
    expect(gz.headers.get('cache-control')).toBe('no-store')
    const html = gunzipSync(Buffer.from(await gz.arrayBuffer())).toString('utf8')
    expect(tokenFrom(html)).toMatch(/^ey/)
    const plain = await open({})
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(await plain.text()).toContain('data-state="shell"')
  })

  it('shows only the summary for a payment that is no longer open', async () => {
    const params = paymentParams()
    const first = await t.app.request(`/payment?${signedQuery(params).toString()}`)
    await first.text()
    await sql.query("UPDATE payments SET status = 'success' WHERE payment_id = $1", [params.payment_id])
    const html = await (await t.app.request(`/payment?${signedQuery(params).toString()}`)).text()
    expect(html).toContain('summary__amount')
    expect(html).not.toContain('form-skeleton')
    expect(html).not.toContain('test-hint')
  })
})
