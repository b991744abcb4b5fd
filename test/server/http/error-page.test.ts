import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LANGUAGES } from '../../../protocol/schemas/page-api.ts'
import { errorPageLanguage } from '../../../server/http/error-page.ts'
import { ERROR_PAGE_TEXT } from '../../../server/http/error-page-text.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { makeTestApp, paymentParams, signedQuery } from '../../fixtures/test-app.ts'

describe('error page words', () => {
  const english = ERROR_PAGE_TEXT.en
  it.each(LANGUAGES.filter((lang) => lang !== 'en'))('%s has every English message, each translated', (lang) => {
    const text = ERROR_PAGE_TEXT[lang]
    expect(Object.keys(text.messages).sort()).toEqual(Object.keys(english.messages).sort())
    for (const [code, message] of Object.entries(text.messages)) {
      expect(message, `${lang}.${code}`).not.toBe(english.messages[code as keyof typeof english.messages])
      expect(message.trim()).not.toBe('')
    }
    for (const key of ['title', 'code', 'hint'] as const) expect(text[key], `${lang}.${key}`).not.toBe(english[key])
  })

  it.each([
    [undefined, 'de-CH,de;q=0.9,en;q=0.8', 'de'],
    [undefined, 'xx,zh-CN;q=0.7', 'zh'],
    [undefined, 'en;q=0.2,kk;q=0.9', 'kk'],
    ['uk', 'de', 'uk'],
    ['xx', 'pt-BR', 'pt'],
    [undefined, undefined, 'en'],
    [undefined, 'ja', 'en'],
  ] as const)('language_code %j with Accept-Language %j is %s', (code, accept, lang) => {
    expect(errorPageLanguage(code, accept)).toBe(lang)
  })
})

describe.each(testDatabases())('the /payment error page on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    t = await makeTestApp(sql)
  })
  afterAll(() => sql.close())

  it.each(LANGUAGES)('speaks %s from the browser language', async (lang) => {
    const query = signedQuery(paymentParams())
    query.set('payment_amount', '1')
    const response = await t.app.request(`/payment?${query.toString()}`, { headers: { 'accept-language': `${lang};q=0.9` } })
    expect(response.status).toBe(403)
    const html = await response.text()
    expect(html).toContain(`<html lang="${lang}">`)
    expect(html).toContain(ERROR_PAGE_TEXT[lang].title)
    expect(html).toContain(ERROR_PAGE_TEXT[lang].messages.invalid_signature!)
    expect(html).toContain('data-error-code="invalid_signature"')
  })
})
