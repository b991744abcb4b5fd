import { SignJWT, jwtVerify } from 'jose'
import { describe, expect, it } from 'vitest'
import { PaymentError } from '../../../server/domain/errors.ts'
import { signReturnToken, verifyReturnToken } from '../../../server/session/return-token.ts'
import { signSession, verifySession, type SessionClaims } from '../../../server/session/session.ts'

const key = { kid: 'k2', secret: new Uint8Array(32).fill(9) }
const old = { kid: 'k1', secret: new Uint8Array(32).fill(7) }
const now = new Date('2026-12-01T10:00:00Z')
const seconds = now.getTime() / 1000
const claims: SessionClaims = { sessionId: 'ses_1', projectId: 112, paymentRowId: 'pay_1', parentOrigin: 'https://shop.example', guid: 'g1' }

/** A session token as jose writes it, with any header or claim changed. */
function joseToken(opts: { alg?: string; typ?: string; kid?: string; iss?: string; aud?: string; exp?: number; secret?: Uint8Array; extra?: Record<string, unknown> } = {}) {
  return new SignJWT({ pid: 112, pay: 'pay_1', po: 'https://shop.example', ...opts.extra })
    .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: opts.typ ?? 'epay-session+jwt', kid: opts.kid ?? 'k2' })
    .setIssuer(opts.iss ?? 'epay')
    .setAudience(opts.aud ?? 'epay-hosted-page')
    .setSubject('ses_1')
    .setJti('ses_1')
    .setIssuedAt(seconds)
    .setExpirationTime(opts.exp ?? seconds + 600)
    .sign(opts.secret ?? key.secret)
}

function refusal(run: () => unknown): string | undefined {
  try {
    run()
  } catch (error) {
    if (error instanceof PaymentError) return error.code
    throw error
  }
  return undefined
}

describe('session tokens are compact JWS HS256 in jose’s format', () => {
  it('jose verifies what EPay signs, with the pinned header and claims', async () => {
    const token = signSession([key, old], claims, now, 600, undefined)
    const { payload, protectedHeader } = await jwtVerify(token, key.secret, {
      algorithms: ['HS256'], issuer: 'epay', audience: 'epay-hosted-page', typ: 'epay-session+jwt', currentDate: now,
    })
    expect(protectedHeader).toEqual({ alg: 'HS256', typ: 'epay-session+jwt', kid: 'k2' })
    expect(payload).toEqual({ pid: 112, pay: 'pay_1', po: 'https://shop.example', guid: 'g1', iss: 'epay', aud: 'epay-hosted-page', sub: 'ses_1', jti: 'ses_1', iat: seconds, exp: seconds + 600 })
  })

  it('EPay verifies what jose signs, under the current or a rotated-out key', async () => {
    expect(verifySession([key, old], await joseToken(), now)).toEqual({ ...claims, guid: undefined })
    expect(verifySession([key, old], await joseToken({ kid: 'k1', secret: old.secret }), now).sessionId).toBe('ses_1')
  })

  it('caps the expiry at best_before and is dead at its exp second', () => {
    const token = signSession([key], claims, now, 600, new Date(now.getTime() + 60_000))
    expect(refusal(() => verifySession([key], token, new Date(now.getTime() + 59_999)))).toBeUndefined()
    expect(refusal(() => verifySession([key], token, new Date(now.getTime() + 60_000)))).toBe('session_expired')
  })

  it('refuses every forgery jose would refuse, and a few more', async () => {
    const good = await joseToken()
    const [h, p, s] = good.split('.') as [string, string, string]
    const swap = (part: 'h' | 'p', json: object) => {
      const seg = Buffer.from(JSON.stringify(json)).toString('base64url')
      return part === 'h' ? `${seg}.${p}.${s}` : `${h}.${seg}.${s}`
    }
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>
    const forged: Record<string, string> = {
      'alg none': `${Buffer.from('{"alg":"none","typ":"epay-session+jwt","kid":"k2"}').toString('base64url')}.${p}.`,
      'HS512 header': await joseToken({ alg: 'HS512' }),
      'other typ': await joseToken({ typ: 'epay-return+jwt' }),
      'unknown kid': await joseToken({ kid: 'k9' }),
      'wrong key': await joseToken({ secret: new Uint8Array(32).fill(1) }),
      'other issuer': await joseToken({ iss: 'evil' }),
      'other audience': await joseToken({ aud: 'epay-return' }),
      'crit header': swap('h', { alg: 'HS256', typ: 'epay-session+jwt', kid: 'k2', crit: ['b64'], b64: false }),
      'later exp': swap('p', { ...payload, exp: seconds + 99_999 }),
      'other payment': swap('p', { ...payload, pay: 'pay_2' }),
      'signature re-spelled': `${h}.${p}.${s}=`,
      'signature truncated': `${h}.${p}.${s.slice(0, -2)}`,
      'two parts': `${h}.${p}`,
      'not json': `${Buffer.from('nope').toString('base64url')}.${p}.${s}`,
      'empty': '',
    }
    for (const [name, token] of Object.entries(forged)) {
      expect([name, refusal(() => verifySession([key, old], token, now))]).toEqual([name, 'invalid_session'])
    }
    expect(refusal(() => verifySession([key], good, now))).toBeUndefined()
  })

  it('requires sub, jti and exp', async () => {
    const noJti = await new SignJWT({ pid: 112, pay: 'pay_1' }).setProtectedHeader({ alg: 'HS256', typ: 'epay-session+jwt', kid: 'k2' })
      .setIssuer('epay').setAudience('epay-hosted-page').setSubject('ses_1').setExpirationTime(seconds + 60).sign(key.secret)
    expect(refusal(() => verifySession([key], noJti, now))).toBe('invalid_session')
  })

  it('return tokens are a different kind: neither verifies as the other', async () => {
    const ret = signReturnToken([key], { paymentRowId: 'pay_1', operationId: 7, parentOrigin: undefined, guid: undefined }, now)
    expect(verifyReturnToken([key], ret, now)).toEqual({ paymentRowId: 'pay_1', operationId: 7, parentOrigin: undefined, guid: undefined })
    expect(refusal(() => verifySession([key], ret, now))).toBe('invalid_session')
    expect(refusal(() => verifyReturnToken([key], signSession([key], claims, now, 600, undefined), now))).toBe('invalid_session')
    expect((await jwtVerify(ret, key.secret, { typ: 'epay-return+jwt', audience: 'epay-return', currentDate: now })).payload['op']).toBe(7)
    expect(refusal(() => verifyReturnToken([key], ret, new Date(now.getTime() + 1_800_000)))).toBe('invalid_session')
  })
})
