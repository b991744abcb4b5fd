import { PaymentError } from '../domain/errors.ts'
import { JwsError, signJws, verifyJws } from './hs256.ts'
import type { SessionKey } from './keys.ts'

const ISSUER = 'epay'
const AUDIENCE = 'epay-hosted-page'
const TYP = 'epay-session+jwt'
const REQUIRED = ['exp', 'jti', 'sub']

/** What a payment session token proves (SPEC §5). The server re-reads the payment on every call. */
export type SessionClaims = {
  sessionId: string
  projectId: number
  /** EPay's payment row id (`pay_…`). */
  paymentRowId: string
  /** Exact origin of the merchant page framing the page, already checked against the project. */
  parentOrigin: string | undefined
  guid: string | undefined
}

/** Issues a session token, valid `ttlSeconds` from `now` but never past `notAfter` (`best_before`). */
export function signSession(
  keys: readonly SessionKey[],
  claims: SessionClaims,
  now: Date,
  ttlSeconds: number,
  notAfter: Date | undefined,
): string {
  const key = keys[0]
  if (!key) throw new Error('no session key')
  const iat = Math.floor(now.getTime() / 1000)
  const cap = notAfter ? Math.floor(notAfter.getTime() / 1000) : Number.POSITIVE_INFINITY
  return signJws(key, TYP, {
    pid: claims.projectId,
    pay: claims.paymentRowId,
    ...(claims.parentOrigin ? { po: claims.parentOrigin } : {}),
    ...(claims.guid ? { guid: claims.guid } : {}),
    iss: ISSUER,
    aud: AUDIENCE,
    sub: claims.sessionId,
    jti: claims.sessionId,
    iat,
    exp: Math.min(iat + ttlSeconds, cap),
  })
}

/**
 * Verifies a session token with pinned algorithm, issuer, audience and typ.
 * Hint: expiry becomes `session_expired`, every other failure `invalid_session`, and neither
 * reveals why to the client beyond that.
 */
export function verifySession(keys: readonly SessionKey[], token: string, now: Date): SessionClaims {
  try {
    const { sub, pid, pay, po, guid } = verifyJws(keys, token, now, { typ: TYP, issuer: ISSUER, audience: AUDIENCE, required: REQUIRED })
    if (typeof sub !== 'string' || typeof pid !== 'number' || typeof pay !== 'string') {
      throw new PaymentError('invalid_session', 'malformed session')
    }
    return {
      sessionId: sub,
      projectId: pid,
      paymentRowId: pay,
      parentOrigin: typeof po === 'string' ? po : undefined,
      guid: typeof guid === 'string' ? guid : undefined,
    }
  } catch (error) {
    if (error instanceof PaymentError) throw error
    if (error instanceof JwsError && error.reason === 'expired') throw new PaymentError('session_expired', 'the payment session has expired')
    throw new PaymentError('invalid_session', 'the payment session is not valid')
  }
}
