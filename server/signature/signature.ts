import { createHmac, timingSafeEqual } from 'node:crypto'
import { stringToSign, type Signable } from './string-to-sign.ts'

/** Signs parameters the ECommPay way: Base64 of HMAC-SHA512 over {@link stringToSign}. */
export function sign(params: Record<string, Signable>, secret: string): string {
  return createHmac('sha512', Buffer.from(secret, 'utf8')).update(stringToSign(params), 'utf8').digest('base64')
}

/**
 * Tells whether `signature` is the one `secret` gives for `params`.
 * Hint: compared with `timingSafeEqual` after a length check, so the time taken does not
 * reveal how many leading bytes of a forged signature were right.
 */
export function verify(params: Record<string, Signable>, signature: string, secret: string): boolean {
  const expected = Buffer.from(sign(params, secret), 'utf8')
  const given = Buffer.from(signature, 'utf8')
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/**
 * Takes the signature out of a received body the ECommPay way (top-level `signature`, else
 * `general.signature`) and returns the body with every `signature` key removed.
 */
export function splitSignature(body: Record<string, Signable>): { signature: string | undefined; params: Record<string, Signable> } {
  const general = body['general']
  const nested = general && typeof general === 'object' && !Array.isArray(general) ? general['signature'] : undefined
  const top = body['signature']
  const signature = typeof top === 'string' ? top : typeof nested === 'string' ? nested : undefined
  return { signature, params: withoutSignatures(body) as Record<string, Signable> }
}

function withoutSignatures(value: Signable): Signable {
  if (Array.isArray(value)) return value.map(withoutSignatures)
  if (value && typeof value === 'object') {
    const out: Record<string, Signable> = {}
    for (const [k, v] of Object.entries(value)) if (k !== 'signature') out[k] = withoutSignatures(v)
    return out
  }
  return value
}

/**
 * The replay-safe callback header: `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">` (SPEC §8), so a
 * receiver can reject a captured callback replayed more than five minutes later.
 */
export function callbackHeader(body: string, secret: string, unixSeconds: number): string {
  const mac = createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${unixSeconds}.${body}`, 'utf8').digest('hex')
  return `t=${unixSeconds},v1=${mac}`
}
