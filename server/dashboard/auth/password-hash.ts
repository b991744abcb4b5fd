import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * scrypt with OWASP's parameters (Password Storage Cheat Sheet: N = 2^17, r = 8, p = 1):
 * 128 MiB and a few hundred milliseconds per guess, from node:crypto, so no native addon or
 * install script is needed. The parameters travel inside each hash, so raising them later
 * leaves old hashes verifiable.
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html#scrypt
 */
const LOG_N = 17
const R = 8
const P = 1
const KEY_LENGTH = 32
/** Hashes at once per process: each takes 128 MiB, so a burst of sign-ins must queue, not exhaust memory. */
const CONCURRENCY = 2

let running = 0
const waiting: Array<() => void> = []

async function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  if (running >= CONCURRENCY) await new Promise<void>((resolve) => waiting.push(resolve))
  running++
  try {
    const options: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 2 * 128 * 2 ** logN * r + 1024 * 1024 }
    return await new Promise<Buffer>((resolve, reject) =>
      scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))),
    )
  } finally {
    running--
    waiting.shift()?.()
  }
}

/** Hashes a password with a fresh 16-byte salt: `scrypt$logN$r$p$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  const key = await derive(password, salt, LOG_N, R, P)
  return ['scrypt', LOG_N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** Checks a password against a stored hash in constant time; a malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![logN, r, p].every((n) => Number.isInteger(n) && n > 0) || logN > 20) return false
  const expected = Buffer.from(parts[5]!, 'base64url')
  const key = await derive(password, Buffer.from(parts[4]!, 'base64url'), logN, r, p)
  return key.length === expected.length && timingSafeEqual(key, expected)
}

let decoy: Promise<string> | undefined
/**
 * A hash of a random password, for checking against when an email has no account, so the
 * answer takes as long as for a real account and reveals nothing.
 */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('base64url'))
  return decoy
}
