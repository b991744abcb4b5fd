import { describe, expect, it } from 'vitest'
import { en } from '../../../hosted-page/src/i18n/en.ts'
import { formatAmount } from '../../../hosted-page/src/i18n/format-amount.ts'
import { ru } from '../../../hosted-page/src/i18n/ru.ts'
import { pickLanguage, translator } from '../../../hosted-page/src/i18n/translate.ts'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('catalogues', () => {
  it('have identical keys and placeholders in en and ru', () => {
    expect(Object.keys(ru).sort()).toEqual(Object.keys(en).sort())
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(ru[key]), key).toEqual(placeholders(en[key]))
    }
  })
})

describe('translator', () => {
  it('fills placeholders as text', () => {
    expect(translator('en')('pay', { amount: '€10.00' })).toBe('Pay €10.00')
    expect(translator('ru')('attempts_left', { n: 2 })).toBe('Осталось попыток: 2')
    expect(translator('en')('page_title', { merchant: '<b>Shop</b>' })).toBe('Payment to <b>Shop</b>')
  })
})

describe('pickLanguage', () => {
  it('prefers the session language, then the browser, then English', () => {
    expect(pickLanguage('ru', 'en-US')).toBe('ru')
    expect(pickLanguage(undefined, 'ru-RU')).toBe('ru')
    expect(pickLanguage(undefined, 'RU')).toBe('ru')
    expect(pickLanguage(undefined, 'de-DE')).toBe('en')
    expect(pickLanguage(undefined, undefined)).toBe('en')
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
