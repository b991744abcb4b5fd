import { createHmac, timingSafeEqual } from 'node:crypto'
import { PaymentPageParamsSchema } from '../../protocol/schemas/payment-page.ts'
import { PaymentError } from '../domain/errors.ts'
import { pageReadings, type PageVocabulary } from '../signature/page-readings.ts'
import type { SdkAlgorithm } from '../signature/sdk-string-to-sign.ts'

/** A Payment Page request whose signature verified. */
export type VerifiedPage = {
  /** The signed parameters, as the matching reading says them (booleans `1`/`0`, `null` empty). */
  params: Record<string, string>
  /** Post-signing `_` keys the signature did not cover: they may choose among allowed origins only. */
  unsigned: Record<string, string>
  /** The SDK algorithm whose string to sign matched. */
  sdk: SdkAlgorithm
}

/** Booleans of the Payment Page protocol, typed as booleans by the JS, Python, Go and Java SDKs. */
const BOOLEAN_PARAMS = [
  'close_on_missclick', 'force_acs_new_window', 'recurring_register', 'redirect', 'redirect_on_mobile',
  'cashier_manual_input', 'validation_enabled', 'card_holder_hidden', 'avs_enabled', 'hide_card_holder',
]

/** Parameter names the Payment Page reads, for {@link pageReadings}. */
export const PAGE_VOCABULARY: PageVocabulary = {
  known: new Set([
    ...Object.keys(PaymentPageParamsSchema.entries), ...BOOLEAN_PARAMS,
    'frame_mode', 'css_modal_wrap', 'target_element', 'interface_type', 'account_token', 'terminal_id', 'region_code',
  ]),
  booleans: new Set(BOOLEAN_PARAMS),
}

// An HMAC-SHA512 in Base64 is 88 characters; anything else is refused before any HMAC is spent.
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{86}==$/

/**
 * Verifies the signature of Payment Page parameters against each of the project's live secrets
 * under every reading an official SDK could have produced (SPEC §3), and returns what it signed.
 * Hint: the SDKs write booleans, `null` and lists differently into the URL from what they sign,
 * and order the entries differently; {@link pageReadings} lists those readings, most likely first,
 * and bounds their number. A space in the signature is read as `+`: older PHP SDKs did not
 * URL-encode it, and a Base64 signature never holds a space.
 */
export function verifyPageSignature(raw: Record<string, string>, secrets: readonly string[]): VerifiedPage {
  const given = raw['signature']?.replaceAll(' ', '+')
  if (!given) throw new PaymentError('invalid_signature', 'the request is not signed', { param: 'signature' })
  if (SIGNATURE_SHAPE.test(given)) {
    const expected = Buffer.from(given, 'utf8')
    const keys = secrets.map((secret) => Buffer.from(secret, 'utf8'))
    for (const reading of pageReadings(raw, PAGE_VOCABULARY)) {
      for (const key of keys) {
        const mac = Buffer.from(createHmac('sha512', key).update(reading.toSign, 'utf8').digest('base64'), 'utf8')
        // Compared in constant time so the time taken does not reveal a forged signature's right prefix.
        if (mac.length === expected.length && timingSafeEqual(mac, expected)) {
          return { params: reading.params, unsigned: reading.unsigned, sdk: reading.sdk }
        }
      }
    }
  }
  throw new PaymentError('invalid_signature', 'the signature does not match the parameters', { param: 'signature' })
}
