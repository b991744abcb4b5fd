import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { LANGUAGES, type Language } from '../../../protocol/schemas/page-api.ts'
import { catalogueFor, loadLanguage } from '../../../hosted-page/src/i18n/catalogues.ts'
import { en, type Catalogue } from '../../../hosted-page/src/i18n/en.ts'
import { formatAmount } from '../../../hosted-page/src/i18n/format-amount.ts'
import { pickLanguage, translator } from '../../../hosted-page/src/i18n/translate.ts'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
const source = (lang: Language) => readFileSync(join(process.cwd(), `hosted-page/src/i18n/${lang}.ts`), 'utf8')
const MACHINE_TRANSLATED = LANGUAGES.filter((lang) => lang !== 'en' && lang !== 'ru')

async function catalogue(lang: Language): Promise<Catalogue> {
  expect(await loadLanguage(lang)).toBe(lang)
  return catalogueFor(lang)
}

describe('catalogues', () => {
  it.each(LANGUAGES.filter((lang) => lang !== 'en'))('%s has exactly the English keys and placeholders, none empty', async (lang) => {
    const messages = await catalogue(lang)
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort())
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(messages[key]), `${lang}.${key}`).toEqual(placeholders(en[key]))
      expect(messages[key].trim(), `${lang}.${key}`).not.toBe('')
    }
  })

  it.each(MACHINE_TRANSLATED)('%s is marked as a machine translation', (lang) => {
    expect(source(lang).startsWith('// Machine translation: needs review by a native speaker.\n')).toBe(true)
  })

  it('marks neither English nor Russian as machine translated', () => {
    expect(source('en')).not.toContain('Machine translation')
    expect(source('ru')).not.toContain('Machine translation')
  })
})

describe('translator', () => {
  it('fills placeholders as text', async () => {
    await loadLanguage('ru')
    expect(translator('en')('pay', { amount: '€10.00' })).toBe('Pay €10.00')
    expect(translator('ru')('attempts_left', { n: 2 })).toBe('Осталось попыток: 2')
    expect(translator('en')('page_title', { merchant: '<b>Shop</b>' })).toBe('Payment to <b>Shop</b>')
  })
})

describe('pickLanguage', () => {
  it('prefers the session language, then the first supported browser language, then English', () => {
    expect(pickLanguage('ru', ['en-US'])).toBe('ru')
    expect(pickLanguage(undefined, ['ru-RU'])).toBe('ru')
    expect(pickLanguage(undefined, ['RU'])).toBe('ru')
    expect(pickLanguage(undefined, ['de-DE'])).toBe('de')
    expect(pickLanguage(undefined, ['nl-NL', 'uk-UA', 'en'])).toBe('uk')
    expect(pickLanguage(undefined, ['zh_CN'])).toBe('zh')
    expect(pickLanguage(undefined, ['nl', 'sv'])).toBe('en')
    expect(pickLanguage(undefined, [])).toBe('en')
    expect(pickLanguage(undefined)).toBe('en')
  })
})

describe('formatAmount', () => {
  const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ')

  it('formats minor units with the currency exponent', () => {
    expect(formatAmount(1000, 'EUR', 'en')).toBe('€10.00')
    expect(formatAmount(5, 'USD', 'en')).toBe('$0.05')
    expect(formatAmount(1000, 'JPY', 'en')).toBe('¥1,000')
    expect(nbsp(formatAmount(1234, 'KWD', 'en'))).toBe('KWD 1.234')
    expect(nbsp(formatAmount(123456, 'RUB', 'ru'))).toBe('1 234,56 ₽')
  })

  it('keeps large amounts exact', () => {
    expect(formatAmount(9007199254740991, 'USD', 'en')).toBe('$90,071,992,547,409.91')
  })
})
