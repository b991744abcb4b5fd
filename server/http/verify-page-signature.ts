import { PaymentError } from '../domain/errors.ts'
import { verify } from '../signature/signature.ts'
import type { Signable } from '../signature/string-to-sign.ts'

/**
 * Verifies the signature of Payment Page parameters against each of the project's live secrets
 * and returns the parameters as they were signed.
 * Hint: values arrive as strings, but the JS and Go SDKs sign booleans as `1`/`0` and then put
 * `true`/`false` in the URL, so those two strings are also tried as booleans (SPEC §3). When
 * only that reading verifies, the values become `1`/`0` from here on: otherwise a signed
 * `payment_id=1` could be replayed as `payment_id=true`, a payment the merchant never made.
 * Unsigned `_` keys never take part.
 */
export function verifyPageSignature(raw: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  const signature = raw['signature']
  if (!signature) throw new PaymentError('invalid_signature', 'the request is not signed', { param: 'signature' })
  if (secrets.some((secret) => verify(raw, signature, secret))) return raw
  if (Object.values(raw).some((value) => value === 'true' || value === 'false')) {
    const asBooleans: Record<string, Signable> = Object.fromEntries(
      Object.entries(raw).map(([k, value]) => [k, value === 'true' ? true : value === 'false' ? false : value]),
    )
    if (secrets.some((secret) => verify(asBooleans, signature, secret))) {
      return Object.fromEntries(Object.entries(raw).map(([k, value]) => [k, value === 'true' ? '1' : value === 'false' ? '0' : value]))
    }
  }
  throw new PaymentError('invalid_signature', 'the signature does not match the parameters', { param: 'signature' })
}
