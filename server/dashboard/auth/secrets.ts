import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

/** SHA-256, base64url: what is stored of session tokens, link tokens and recovery codes. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('base64url')
}

/** A 256-bit random token from the CSPRNG for cookies and emailed links; unguessable, so rate limits are not its defence. */
export function newToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Compares two strings in constant time for their length (CSRF tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const CODE_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789'

/**
 * Ten recovery codes like `k7m2p-9xq4t`: 10 characters of a 31-letter alphabet without look-alikes
 * (about 50 bits each), for writing down. Stored as SHA-256 only; each works once.
 */
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    // randomInt is uniform (no modulo bias).
    const chars = Array.from({ length: 10 }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]!).join('')
    return `${chars.slice(0, 5)}-${chars.slice(5)}`
  })
}

/** A recovery code as typed (any case, with or without the dash) in its stored form. */
export function normaliseRecoveryCode(code: string): string {
  const plain = code.toLowerCase().replace(/[^a-z0-9]/g, '')
  return `${plain.slice(0, 5)}-${plain.slice(5)}`
}
