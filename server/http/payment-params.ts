import { PaymentError } from '../domain/errors.ts'

/**
 * Reads Payment Page parameters from a query string or form body into a flat record.
 * Hint: a repeated key or a `;` anywhere is refused (SPEC §3): either would let two different
 * parameter sets produce the same string to sign, or let a proxy and EPay read different values.
 */
export function readPaymentParams(encoded: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null)
  for (const [key, value] of new URLSearchParams(encoded)) {
    if (key === '') continue
    if (Object.hasOwn(params, key)) {
      throw new PaymentError('duplicate_parameter', `parameter "${key}" is given more than once`, { param: key })
    }
    if (key.includes(';') || value.includes(';')) {
      throw new PaymentError('forbidden_character', `parameter "${key}" contains a ";"`, { param: key })
    }
    params[key] = value
  }
  return params
}
