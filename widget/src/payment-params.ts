import type { WidgetConfig } from './types.ts'

/**
 * Builds what EPay receives: every signed value of `config` unchanged, as a string, plus the
 * unsigned `frame_mode`, `_referrer` and `_guid` (SPEC §3 leaves them out of the signature).
 * Hint: changing or dropping a signed value breaks the merchant's signature, so only what
 * cannot be a flat parameter is left out: `baseUrl`, callbacks and elements. `null` goes as
 * `''` because the signature covers it as an empty string; booleans go as `true`/`false`.
 */
export function paymentParams(config: WidgetConfig, guid: string, frameMode?: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const key in config) {
    const value = config[key]
    // Strings, numbers, booleans (and bigints) as they print; null as ''; anything else is no parameter.
    if (key != 'baseUrl' && (value === null || /^(st|n|b)/.test(typeof value))) out[key] = String(value ?? '')
  }
  if (frameMode) out['frame_mode'] = frameMode
  // EPay only picks the parent origin among the project's allowed origins with it, never trusts it.
  out['_referrer'] = location.origin
  out['_guid'] = guid
  return out
}
