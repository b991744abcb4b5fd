import { createHmac } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { sign, splitSignature, verify } from '../../../server/signature/signature.ts'
import { stringToSign, type Signable } from '../../../server/signature/string-to-sign.ts'
import { sdkStringToSign, type SdkAlgorithm } from '../../../server/signature/sdk-string-to-sign.ts'
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
/** The SDKs' own test vectors; the folder's other files have their own suites (sdk-urls, jeton-examples). */
const VECTOR_FILES = ['go.json', 'java.json', 'js.json', 'php.json', 'python.json']
const OTHER_FILES = { 'sdk-urls.json': 'test/server/signature/sdk-urls.test.ts', 'jeton-examples.json': 'test/server/gate/jeton-examples.test.ts' }
const files = readdirSync(DIR).filter((f) => f.endsWith('.json'))
const cases = VECTOR_FILES.flatMap((file) =>
  (JSON.parse(readFileSync(DIR + file, 'utf8')) as { cases: Case[] }).cases.map((c) => ({ ...c, file })),
)

describe('ECommPay conformance vectors', () => {
  it('finds the vectors of all five SDKs, and every file of the folder has a suite', () => {
    expect(files.sort()).toEqual([...VECTOR_FILES, ...Object.keys(OTHER_FILES)].sort())
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
        expect(verifyPageSignature(raw, [c.secret!]).params['payment_id']).toBe(raw['payment_id'])
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

  // The per-SDK ports (used to verify and to generate the Gate fixtures) must reproduce each
  // SDK's own vectors exactly, or the fixtures they generate would prove nothing.
  it.each(cases.filter((c) => c.kind !== 'url' && c.expected_valid !== false).map((c) => [`${c.file}: ${c.test}`, c] as const))(
    'the %s port reproduces the SDK', (_name, c) => {
      const sdk = c.file.replace('.json', '') as SdkAlgorithm
      const toSign = sdkStringToSign(c.params, sdk)
      if (c.kind === 'string_to_sign') expect(toSign).toBe(c.expected_string)
      else expect(createHmac('sha512', c.secret!).update(toSign).digest('base64')).toBe(c.expected_signature)
    },
  )
})
