import { PaymentError } from '../domain/errors.ts'
import { verify } from '../signature/signature.ts'
import type { Signable } from '../signature/string-to-sign.ts'

/**
 * Verifies the signature of Payment Page parameters against each of the project's live secrets.
 * Hint: values arrive as strings, but the JS and Go SDKs sign booleans as `1`/`0` and then put
 * `true`/`false` in the URL, so those two strings are also tried as booleans (SPEC §3). Either
 * reading must verify under the merchant's secret; unsigned `_` keys never take part.
 */
export function verifyPageSignature(raw: Record<string, string>, secrets: readonly string[]): void {
  const signature = raw['signature']
  if (!signature) throw new PaymentError('invalid_signature', 'the request is not signed', { param: 'signature' })
  const readings: Array<Record<string, Signable>> = [raw]
  if (Object.values(raw).some((value) => value === 'true' || value === 'false')) {
    readings.unshift(
      Object.fromEntries(Object.entries(raw).map(([k, value]) => [k, value === 'true' ? true : value === 'false' ? false : value])),
    )
  }
  const valid = secrets.some((secret) => readings.some((params) => verify(params, signature, secret)))
  if (!valid) throw new PaymentError('invalid_signature', 'the signature does not match the parameters', { param: 'signature' })
}
