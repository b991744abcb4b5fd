import { SignJWT, errors, jwtVerify, type JWTPayload } from 'jose'
import { PaymentError } from '../domain/errors.ts'
import type { SessionKey } from './keys.ts'

const ISSUER = 'epay'
const AUDIENCE = 'epay-hosted-page'
const TYP = 'epay-session+jwt'
const ALG = 'HS256'

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
export async function signSession(
  keys: readonly SessionKey[],
  claims: SessionClaims,
  now: Date,
  ttlSeconds: number,
  notAfter: Date | undefined,
): Promise<string> {
  const key = keys[0]
  if (!key) throw new Error('no session key')
  const iat = Math.floor(now.getTime() / 1000)
  const cap = notAfter ? Math.floor(notAfter.getTime() / 1000) : Number.POSITIVE_INFINITY
  const payload: JWTPayload = { pid: claims.projectId, pay: claims.paymentRowId }
  if (claims.parentOrigin) payload['po'] = claims.parentOrigin
  if (claims.guid) payload['guid'] = claims.guid
  return new SignJWT(payload)
    .setProtectedHeader({ alg: ALG, typ: TYP, kid: key.kid })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(claims.sessionId)
    .setJti(claims.sessionId)
    .setIssuedAt(iat)
    .setExpirationTime(Math.min(iat + ttlSeconds, cap))
    .sign(key.secret)
}

/**
 * Verifies a session token with pinned algorithm, issuer, audience and typ.
 * Hint: jose's expiry error becomes `session_expired`, every other failure `invalid_session`,
 * and neither reveals why to the client beyond that.
 */
export async function verifySession(keys: readonly SessionKey[], token: string, now: Date): Promise<SessionClaims> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const key = keys.find((k) => k.kid === header.kid)
        if (!key) throw new PaymentError('invalid_session', 'unknown session key')
        return key.secret
      },
      { algorithms: [ALG], issuer: ISSUER, audience: AUDIENCE, typ: TYP, currentDate: now, requiredClaims: ['exp', 'jti', 'sub'] },
    )
    const { sub, pid, pay, po, guid } = payload as JWTPayload & Record<string, unknown>
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
    if (error instanceof errors.JWTExpired) throw new PaymentError('session_expired', 'the payment session has expired')
    throw new PaymentError('invalid_session', 'the payment session is not valid')
  }
}
