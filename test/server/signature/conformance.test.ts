import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { sign, splitSignature, verify } from '../../../server/signature/signature.ts'
import { stringToSign, type Signable } from '../../../server/signature/string-to-sign.ts'
import { readPaymentParams } from '../../../server/http/payment-params.ts'
import { verifyPageSignature } from '../../../server/http/verify-page-signature.ts'

// Test vectors from the official ECommPay SDKs' own suites, read in place (never copied).
const DIR = fileURLToPath(new URL('../../../../shared/conformance/ecommpay/', import.meta.url))
type Case = {
  kind: 'sign' | 'callback' | 'url' | 'string_to_sign'
  test: string
  secret: string | null
  params: Record<string, Signable>
  raw?: Record<string, Signable>
  expected_signature: string | null
  expected_string?: string
  expected_url?: string
  expected_query?: Record<string, string>
  expected_valid?: boolean
}
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'))
const cases = files.flatMap((file) =>
  (JSON.parse(readFileSync(DIR + file, 'utf8')) as { cases: Case[] }).cases.map((c) => ({ ...c, file })),
)

describe('ECommPay conformance vectors', () => {
  it('finds the vectors of all five SDKs', () => {
    expect(files.sort()).toEqual(['go.json', 'java.json', 'js.json', 'php.json', 'python.json'])
    expect(cases.length).toBe(37)
  })

  it.each(cases.map((c) => [`${c.file}: ${c.test}`, c] as const))('%s', (_name, c) => {
    const valid = c.expected_valid !== false
    switch (c.kind) {
      case 'string_to_sign':
        expect(stringToSign(c.params)).toBe(c.expected_string)
        break
      case 'sign':
        expect(sign(c.params, c.secret!)).toBe(c.expected_signature)
        expect(verify(c.params, c.expected_signature!, c.secret!)).toBe(true)
        break
      case 'callback': {
        const { signature, params } = splitSignature(c.raw ?? c.params)
        // A signature the protocol does not place (e.g. under `body.`) is no signature at all.
        expect(signature !== undefined && verify(params, signature, c.secret!)).toBe(valid)
        if (valid) expect(sign(c.params, c.secret!)).toBe(c.expected_signature)
        break
      }
      case 'url': {
        // What EPay receives: the query string the SDK put in the URL, verified as Payment Page input.
        const query = c.expected_url
          ? new URL(c.expected_url).search.slice(1)
          : new URLSearchParams({ ...c.expected_query, signature: c.expected_signature! }).toString()
        const raw = readPaymentParams(query)
        expect(raw['signature']).toBe(c.expected_signature)
        expect(() => verifyPageSignature(raw, [c.secret!])).not.toThrow()
        expect(() => verifyPageSignature(raw, ['wrong-secret'])).toThrow()
        break
      }
    }
  })

  it('rejects every negative case and any tampered positive one', () => {
    for (const c of cases.filter((x) => x.kind === 'callback' && x.expected_valid !== false)) {
      const { signature, params } = splitSignature(c.raw!)
      const tampered = { ...params, injected: 'x' }
      expect(verify(tampered, signature!, c.secret!)).toBe(false)
      expect(verify(params, signature!, c.secret! + 'x')).toBe(false)
    }
  })
})
