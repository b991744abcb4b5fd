import { PaymentError } from '../domain/errors.ts'
import { signJws, verifyJws } from './hs256.ts'
import type { SessionKey } from './keys.ts'

const TYP = 'epay-return+jwt'

/** What a shopper coming back from the ACS or a wallet carries: which attempt, and the framing. */
export type ReturnClaims = { paymentRowId: string; operationId: number; parentOrigin: string | undefined; guid: string | undefined }

/**
 * Signs the token a 3-D Secure ACS or a wallet hands back on return (the `MD` field or a query
 * parameter). It lets the returning page get a fresh session without cookies or storage, which
 * Safari blocks in iframes, and it is useless for anything but resuming that one attempt.
 */
export function signReturnToken(keys: readonly SessionKey[], claims: ReturnClaims, now: Date, ttlSeconds = 1800): string {
  const key = keys[0]
  if (!key) throw new Error('no session key')
  const iat = Math.floor(now.getTime() / 1000)
  return signJws(key, TYP, {
    pay: claims.paymentRowId,
    op: claims.operationId,
    ...(claims.parentOrigin ? { po: claims.parentOrigin } : {}),
    ...(claims.guid ? { guid: claims.guid } : {}),
    iss: 'epay',
    aud: 'epay-return',
    iat,
    exp: iat + ttlSeconds,
  })
}

/** Verifies a return token with pinned algorithm, issuer, audience and typ. */
export function verifyReturnToken(keys: readonly SessionKey[], token: string, now: Date): ReturnClaims {
  try {
    const { pay, op, po, guid } = verifyJws(keys, token, now, { typ: TYP, issuer: 'epay', audience: 'epay-return', required: ['exp'] })
    if (typeof pay !== 'string' || typeof op !== 'number') throw new Error('malformed')
    return { paymentRowId: pay, operationId: op, parentOrigin: typeof po === 'string' ? po : undefined, guid: typeof guid === 'string' ? guid : undefined }
  } catch {
    throw new PaymentError('invalid_session', 'the return link is not valid or has expired')
  }
}
