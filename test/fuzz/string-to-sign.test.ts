import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PaymentError } from '../../server/domain/errors.ts'
import { readPaymentParams } from '../../server/http/payment-params.ts'
import { verifyPageSignature } from '../../server/http/verify-page-signature.ts'
import { sign } from '../../server/signature/signature.ts'
import { stringToSign } from '../../server/signature/string-to-sign.ts'
import { fuzzRuns } from './runs.ts'

// SPEC §3: two different parameter sets the Payment Page accepts must never produce the same
// string to sign — else a signature for one is a signature for the other. Inputs go through
// readPaymentParams exactly as a query string would, and strings are compared as the UTF-8
// bytes HMAC sees. Small alphabets make near-collisions (moved colons, digits natural sort
// treats alike, booleans) likely; fixed seeds keep runs reproducible.

const RUNS = fuzzRuns(3000)
const SECRET = 'fuzz-secret'

/** Characters that matter to the canonical form, plus a few that only need to survive encoding. */
const tricky = fc.constantFrom('a', 'b', ':', '0', '1', '01', 'true', 'false', '_', ' ', '=', '&', '%', '+', 'é', 'e\u0301', '😀', '\u0000', '\ufffd')
const text = (max: number) => fc.array(tricky, { maxLength: max }).map((parts) => parts.join(''))
const key = (colons: boolean) => text(4).filter((k) => k !== '' && (colons || !k.includes(':')))

/** A parameter set as a query string carries it, reduced to what the Page accepts and signs. */
const accepted = (colons: boolean) =>
  fc.array(fc.tuple(key(colons), text(5)), { maxLength: 5 }).map((pairs) => {
    const query = new URLSearchParams(pairs).toString()
    try {
      return signedPart(readPaymentParams(query))
    } catch (error) {
      if (error instanceof PaymentError) return undefined // refused: duplicate key or a `;`
      throw error
    }
  })

function signedPart(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => k !== 'signature' && k !== 'frame_mode' && !k.startsWith('_')))
}

/** The parameter set as a canonical value, for telling two sets apart. */
function canonical(params: Record<string, string>): string {
  return JSON.stringify(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
}

function bytesToSign(params: Record<string, string>): string {
  return Buffer.from(stringToSign(params), 'utf8').toString('hex')
}

/** Fails with both inputs when two distinct accepted sets share the bytes to sign. */
function assertNoCollision(sets: Array<Record<string, string> | undefined>): void {
  const seen = new Map<string, Record<string, string>>()
  for (const params of sets) {
    if (!params) continue
    const bytes = bytesToSign(params)
    const earlier = seen.get(bytes)
    if (earlier && canonical(earlier) !== canonical(params)) {
      throw new Error(`${JSON.stringify(earlier)} and ${JSON.stringify(params)} both sign as ${JSON.stringify(stringToSign(params))}`)
    }
    seen.set(bytes, params)
  }
}

/**
 * Every other way to split the entries of `params`' string to sign into `key:value` — the
 * collisions an attacker would look for: a `:` moved across the key/value boundary.
 */
function resplits(params: Record<string, string>): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = []
  for (const [k, v] of Object.entries(params)) {
    const entry = `${k.replaceAll(':', '::')}:${v}`
    for (let i = entry.indexOf(':'); i >= 0; i = entry.indexOf(':', i + 1)) {
      const escaped = entry.slice(0, i)
      if (escaped.replaceAll('::', '').includes(':')) continue
      const newKey = escaped.replaceAll('::', ':')
      if (newKey === k || newKey === '' || newKey in params) continue
      const rest = Object.fromEntries(Object.entries(params).filter(([other]) => other !== k))
      out.push({ ...rest, [newKey]: entry.slice(i + 1) })
    }
  }
  return out
}

describe('stringToSign on Payment Page input', () => {
  it('never gives two distinct accepted parameter sets the same bytes to sign (keys without ":")', () => {
    fc.assert(fc.property(fc.array(accepted(false), { minLength: 2, maxLength: 24 }), assertNoCollision), { seed: 0x5e_c3, numRuns: RUNS })
  })

  it('signs every accepted set deterministically, whatever the order its parameters arrive in', () => {
    fc.assert(
      fc.property(accepted(true), (params) => {
        if (!params) return
        const reversed = Object.fromEntries(Object.entries(params).reverse())
        expect(stringToSign(reversed)).toBe(stringToSign(params))
      }),
      { seed: 0x5e_c4, numRuns: RUNS },
    )
  })

  // readPaymentParams refuses `:` in keys: with one, escaping `:` as `::` in keys only would
  // not be injective ({"a:": "b"} and {"a": "::b"} both sign as `a:::b`).
  it('never gives two distinct accepted parameter sets the same bytes to sign (any key)', () => {
    fc.assert(
      fc.property(accepted(true), (params) => {
        if (!params) return
        assertNoCollision([params, ...resplits(params).map((q) => {
          try {
            return signedPart(readPaymentParams(new URLSearchParams(q).toString()))
          } catch {
            return undefined
          }
        })])
      }),
      { seed: 0x5e_c5, numRuns: RUNS },
    )
  })
})

describe('verifyPageSignature', () => {
  const values = fc.constantFrom('0', '1', 'true', 'false', 'x')
  const params = fc.dictionary(fc.constantFrom('payment_id', 'customer_id', 'payment_description', 'recurring_register', 'k'), values, { minKeys: 1 })

  it('refuses a signature made for a set that differs in anything but true/false ↔ 1/0', () => {
    fc.assert(
      fc.property(params, fc.constantFrom('payment_id', 'customer_id', 'k'), values, (signed, k, v) => {
        const changed = { ...signed, [k]: v }
        const bool = (s: string | undefined) => (s === 'true' ? '1' : s === 'false' ? '0' : s)
        fc.pre(bool(signed[k]) !== bool(v))
        expect(() => verifyPageSignature({ ...changed, signature: sign(signed, SECRET) }, [SECRET])).toThrow(PaymentError)
      }),
      { seed: 0x5e_c6, numRuns: RUNS },
    )
  })

  // The `true`/`false` reading (SPEC §3, for SDKs that sign booleans as 1/0) may verify a value
  // the merchant signed as `1`; the verified parameters then carry `1`, never `true`, so one
  // signature has one meaning: a signed `payment_id=1` cannot become a payment `true`.
  it('never lets one signature cover two different values of a parameter', () => {
    fc.assert(
      fc.property(params, fc.constantFrom('payment_id', 'customer_id', 'k'), values, (signed, k, v) => {
        fc.pre(signed[k] !== v)
        const changed = { ...signed, [k]: v }
        let verified: Record<string, string>
        try {
          verified = verifyPageSignature({ ...changed, signature: sign(signed, SECRET) }, [SECRET]).params
        } catch (error) {
          expect(error).toBeInstanceOf(PaymentError)
          return
        }
        // Accepted only as the boolean reading of what was signed: the value used is the signed one.
        const bool = (s: string | undefined) => (s === 'true' ? '1' : s === 'false' ? '0' : s)
        expect(verified[k]).toBe(bool(signed[k]))
        expect(bool(signed[k])).toBe(signed[k])
      }),
      { seed: 0x5e_c7, numRuns: RUNS },
    )
  })
})
