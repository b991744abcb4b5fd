import * as v from 'valibot'
import type { PaymentPageParams } from '../../protocol/schemas/payment-page.ts'
import { ThemeSchema } from '../../protocol/schemas/page-api.ts'
import { CURRENCY_EXPONENTS, type Currency } from '../../protocol/money.ts'
import { PaymentError } from './errors.ts'
import type { Payment } from './payment.ts'

/** Currencies the Jeton wallet takes (SPEC §7). */
const JETON_CURRENCIES = new Set<Currency>(['EUR', 'GBP', 'INR', 'JPY', 'NOK', 'PLN', 'RUB', 'TRY', 'USD'])

/** Tells whether Jeton can take `amount` (minor units) in `currency`: 1.00 to 100 000.00. */
export function jetonAccepts(amount: number, currency: Currency): boolean {
  if (!JETON_CURRENCIES.has(currency)) return false
  const unit = 10 ** CURRENCY_EXPONENTS[currency]
  return amount >= unit && amount <= 100_000 * unit
}

/**
 * The methods a payment offers, in page order: the forced one alone, else every method that
 * fits; only among those the project turned on (`enabled`, every method when unset).
 */
export function methodsFor(payment: Pick<Payment, 'forceMethod' | 'amount' | 'currency'>, enabled?: ReadonlyArray<'card' | 'jeton'>): Array<'card' | 'jeton'> {
  const fits: Array<'card' | 'jeton'> =
    payment.forceMethod === 'card' ? ['card']
    : payment.forceMethod === 'jeton' ? ['jeton']
    : jetonAccepts(payment.amount, payment.currency) ? ['card', 'jeton'] : ['card']
  return enabled ? fits.filter((m) => enabled.includes(m)) : fits
}

/**
 * ECommPay's names for the methods, as its documentation tells merchants to force them
 * (`force_payment_method=jetonWalletV3` on its Jeton page), mapped to EPay's.
 */
const METHOD_ALIASES: Record<string, 'card' | 'jeton'> = { jetonwalletv3: 'jeton', jetonwallet: 'jeton', jeton_wallet: 'jeton' }

/**
 * Derives the page options of a new payment from its signed parameters, refusing what cannot
 * work: an unknown forced method, Jeton outside its currencies or amounts, a malformed theme.
 */
export function paymentOptions(params: PaymentPageParams): Pick<Payment, 'saveCard' | 'forceMethod' | 'theme' | 'returnMode'> {
  const requested = params.force_payment_method?.toLowerCase()
  const force = requested === undefined ? undefined : (METHOD_ALIASES[requested] ?? requested)
  if (force !== undefined && force !== 'card' && force !== 'jeton') {
    throw new PaymentError('validation_failed', `payment method "${force}" is not available`, { param: 'force_payment_method' })
  }
  if (force === 'jeton' && !jetonAccepts(params.payment_amount, params.payment_currency)) {
    throw new PaymentError('validation_failed', 'Jeton Wallet does not accept this amount or currency', { param: 'force_payment_method' })
  }
  let theme: string | undefined
  if (params.theme !== undefined) {
    let parsed: unknown
    try {
      parsed = JSON.parse(params.theme)
    } catch {
      parsed = undefined
    }
    const result = v.safeParse(ThemeSchema, parsed)
    if (!result.success) throw new PaymentError('validation_failed', 'theme must be a JSON object of known keys', { param: 'theme' })
    theme = JSON.stringify(result.output)
  }
  const register = params.recurring_register === '1' || params.recurring_register === 'true'
  const parentPage = params.redirect_success_mode === 'parent_page' || params.redirect_fail_mode === 'parent_page'
  return {
    saveCard: params.customer_id ? (register ? 'always' : 'offer') : 'never',
    forceMethod: force,
    theme,
    returnMode: parentPage ? 'parent_page' : undefined,
  }
}
