import { PaymentError } from '../domain/errors.ts'
import { hasControlCharacter } from './control-characters.ts'

/**
 * Reads Payment Page parameters from a query string or form body into a flat record.
 * Hint: a repeated key or a `;` anywhere is refused (SPEC §3): either would let two different
 * parameter sets produce the same string to sign, or let a proxy and EPay read different values.
 * A `:` in a key is refused too: the flat Payment Page has none, and with one `{"a:": "b"}`
 * and `{"a": "::b"}` would sign alike. Control characters (NUL above all) are refused before
 * they reach storage.
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
    if (key.includes(':')) throw new PaymentError('forbidden_character', 'a parameter name contains a ":"', { param: key })
    if (hasControlCharacter(key) || hasControlCharacter(value)) {
      throw new PaymentError('forbidden_character', `parameter "${key}" contains a control character`, { param: key })
    }
    params[key] = value
  }
  return params
}
