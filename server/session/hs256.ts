import { createHmac, timingSafeEqual } from 'node:crypto'
import type { SessionKey } from './keys.ts'

/**
 * Compact JWS (RFC 7515) with HS256 over node:crypto, in exactly the format jose writes and
 * reads: the tokens interoperate both ways (test/server/session/hs256.test.ts).
 *
 * Why not jose itself: jose 6 signs through WebCrypto, an asynchronous hop to libuv's thread
 * pool that costs ~75–135 µs per token against ~5 µs for a synchronous HMAC. Every `GET
 * /payment` signs one token and every page API call verifies one, so it was the largest share of
 * crypto in the hot path's profile (SPEC §13). The rules jose enforces for us are kept, and
 * tightened where our own tokens allow it: one algorithm, a pinned `typ`, a known `kid`, only
 * canonical base64url, and `iss`/`aud`/`exp` checked.
 */

export type JwsClaims = Record<string, unknown> & { iss: string; aud: string; exp: number; iat: number }

export type JwsExpectations = { typ: string; issuer: string; audience: string; required: readonly string[] }

/** Why a token was refused: `expired` is told apart so the page can say "session expired". */
export class JwsError extends Error {
  constructor(readonly reason: 'invalid' | 'expired') {
    super(reason)
  }
}

const HEADER_KEYS = new Set(['alg', 'typ', 'kid'])

export function signJws(key: SessionKey, typ: string, claims: JwsClaims): string {
  const header = encode(JSON.stringify({ alg: 'HS256', typ, kid: key.kid }))
  const body = encode(JSON.stringify(claims))
  const input = `${header}.${body}`
  return `${input}.${mac(key.secret, input).toString('base64url')}`
}

export function verifyJws(keys: readonly SessionKey[], token: string, now: Date, expect: JwsExpectations): Record<string, unknown> {
  const parts = token.split('.')
  if (parts.length !== 3) throw new JwsError('invalid')
  const [header, body, signature] = parts as [string, string, string]
  const head = parseObject(header)
  // Extra header members (`crit`, `b64`, `jku`…) could change how a token is meant to be read;
  // our own tokens never carry them, so any is a forgery.
  if (Object.keys(head).some((k) => !HEADER_KEYS.has(k))) throw new JwsError('invalid')
  if (head['alg'] !== 'HS256' || head['typ'] !== expect.typ) throw new JwsError('invalid')
  const key = keys.find((k) => k.kid === head['kid'])
  if (!key) throw new JwsError('invalid')
  const given = decodeCanonical(signature)
  const wanted = mac(key.secret, `${header}.${body}`)
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw new JwsError('invalid')

  const claims = parseObject(body)
  for (const name of expect.required) if (!(name in claims)) throw new JwsError('invalid')
  if (claims['iss'] !== expect.issuer || claims['aud'] !== expect.audience) throw new JwsError('invalid')
  const { exp, iat, nbf } = claims
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new JwsError('invalid')
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) throw new JwsError('invalid')
  const seconds = Math.floor(now.getTime() / 1000)
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > seconds)) throw new JwsError('invalid')
  // Same edge as jose: a token is dead at its `exp` second.
  if (exp <= seconds) throw new JwsError('expired')
  return claims
}

function mac(secret: Uint8Array, input: string): Buffer {
  return createHmac('sha256', secret).update(input, 'ascii').digest()
}

function encode(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url')
}

/** Node decodes base64url leniently; a segment that does not re-encode to itself is refused so one token has one spelling. */
function decodeCanonical(segment: string): Buffer {
  const bytes = Buffer.from(segment, 'base64url')
  if (bytes.toString('base64url') !== segment) throw new JwsError('invalid')
  return bytes
}

function parseObject(segment: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(decodeCanonical(segment).toString('utf8'))
  } catch (error) {
    if (error instanceof JwsError) throw error
    throw new JwsError('invalid')
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwsError('invalid')
  return value as Record<string, unknown>
}
