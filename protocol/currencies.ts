// No valibot here: the hosted page formats amounts with this table in its first script, which
// must not carry the schema library (issue #15, critical path).

/**
 * ISO 4217 minor-unit exponents for the currencies EPay accepts.
 * Hint: a currency missing here is rejected, never guessed to have two decimals.
 */
export const CURRENCY_EXPONENTS = {
  AED: 2, AMD: 2, AUD: 2, AZN: 2, BGN: 2, BHD: 3, BRL: 2, BYN: 2, CAD: 2, CHF: 2, CLP: 0, CNY: 2,
  CZK: 2, DKK: 2, EGP: 2, EUR: 2, GBP: 2, GEL: 2, HKD: 2, HUF: 2, IDR: 2, ILS: 2, INR: 2, ISK: 0,
  JOD: 3, JPY: 0, KGS: 2, KRW: 0, KWD: 3, KZT: 2, MDL: 2, MXN: 2, MYR: 2, NOK: 2, NZD: 2, OMR: 3,
  PHP: 2, PLN: 2, QAR: 2, RON: 2, RSD: 2, RUB: 2, SAR: 2, SEK: 2, SGD: 2, THB: 2, TND: 3, TRY: 2,
  TWD: 2, UAH: 2, USD: 2, UZS: 2, VND: 0, ZAR: 2,
} as const satisfies Record<string, 0 | 2 | 3>

/** An ISO 4217 alphabetic code that EPay knows the exponent of. */
export type Currency = keyof typeof CURRENCY_EXPONENTS

/** Tells whether a string is a supported ISO 4217 currency code. */
export function isCurrency(code: string): code is Currency {
  return Object.hasOwn(CURRENCY_EXPONENTS, code)
}
