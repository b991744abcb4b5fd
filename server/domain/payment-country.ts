import { binCountry, COUNTRY_CODE } from '../../protocol/card-countries.ts'

/** The customer's address country from the payment's parameters (ECommPay's names), or `null`. */
export function addressCountry(params: Readonly<Record<string, string>>): string | null {
  for (const key of ['customer_country', 'billing_country']) {
    const value = params[key]?.trim().toUpperCase()
    if (value && COUNTRY_CODE.test(value)) return value
  }
  return null
}

/**
 * The payment's country for the home screen (SPEC §14): the issuer's country of the card last
 * charged when its BIN is known, else the customer's address. A card says where the money comes
 * from; an address is only what the customer typed.
 */
export function paymentCountry(params: Readonly<Record<string, string>>, cardFirst6: string | null): string | null {
  return (cardFirst6 ? binCountry(cardFirst6) : null) ?? addressCountry(params)
}
