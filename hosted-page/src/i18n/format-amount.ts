import { CURRENCY_EXPONENTS, isCurrency } from '../../../protocol/currencies.ts'
import type { Language } from '../../../protocol/schemas/page-api.ts'

/**
 * Formats integer minor units for display, e.g. `1000 EUR` → `€10.00` in English.
 * Hint: the major-unit value is built as a decimal string, never by float division, so large
 * amounts do not pick up binary rounding; Intl accepts decimal strings exactly (older engines
 * read them as a Number, which is no worse). This is display only: no money is computed here.
 */
export function formatAmount(amount: number, currency: string, lang: Language): string {
  if (!isCurrency(currency)) return `${amount} ${currency}`
  const exp = CURRENCY_EXPONENTS[currency]
  const sign = amount < 0 ? '-' : ''
  const digits = String(Math.abs(amount)).padStart(exp + 1, '0')
  const major = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`
  const key = `${lang} ${currency}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(lang, { style: 'currency', currency, minimumFractionDigits: exp, maximumFractionDigits: exp })
    formats.set(key, format)
  }
  return format.format(`${sign}${major}` as Intl.StringNumericLiteral)
}

// Building a NumberFormat costs far more than using one (it was 4.5 % of the server's time per
// GET /payment, which renders the amount); languages × currencies bound this map.
const formats = new Map<string, Intl.NumberFormat>()
