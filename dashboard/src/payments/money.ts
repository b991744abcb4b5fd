import { CURRENCY_EXPONENTS, type Currency } from '../../../protocol/money.ts'
import { language } from '../i18n/i18n.ts'

/** Minor units shown in the currency's own exponent and the user's language. */
export function formatMoney(amount: number, currency: Currency): string {
  const exponent = CURRENCY_EXPONENTS[currency]
  return new Intl.NumberFormat(language.value === 'ru' ? 'ru-RU' : 'en-GB', { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent })
    .format(amount / 10 ** exponent)
}

/** Minor units as a plain number a person edits (`12.50`). */
export function majorText(amount: number, currency: Currency): string {
  const exponent = CURRENCY_EXPONENTS[currency]
  return (amount / 10 ** exponent).toFixed(exponent)
}

/** What a person typed (`12.50` or `12,5`) in minor units, or undefined when it is not an amount of this currency. */
export function parseMajor(text: string, currency: Currency): number | undefined {
  const exponent = CURRENCY_EXPONENTS[currency]
  const match = /^(\d{1,13})(?:[.,](\d+))?$/.exec(text.trim())
  if (!match || (match[2]?.length ?? 0) > exponent) return undefined
  return Number(match[1]) * 10 ** exponent + Number((match[2] ?? '').padEnd(exponent, '0') || '0')
}

/** A fresh key per click: the server moves money once per key, however often the request arrives. */
export function clickKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18))
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}
