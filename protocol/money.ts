import * as v from 'valibot'
import { CURRENCY_EXPONENTS, type Currency } from './currencies.ts'

export { CURRENCY_EXPONENTS, isCurrency, type Currency } from './currencies.ts'

/** Minor-unit amount: a positive safe integer, never a float, never major units. */
export const MinorAmountSchema = v.pipe(
  v.number(),
  v.safeInteger('amount must be an integer in minor units'),
  v.minValue(1, 'amount must be positive'),
)

export const CurrencySchema = v.picklist(Object.keys(CURRENCY_EXPONENTS) as Currency[], 'unknown currency')

/** Money on the wire: integer minor units plus the currency they are counted in. */
export const MoneySchema = v.object({ amount: MinorAmountSchema, currency: CurrencySchema })
export type Money = { amount: number; currency: Currency }
