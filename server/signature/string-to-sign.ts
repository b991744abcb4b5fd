import { naturalCompare } from './natural-compare.ts'

/** A value the ECommPay signature can cover: what JSON or a query string can carry. */
export type Signable = string | number | boolean | null | undefined | Signable[] | { [key: string]: Signable }

/** Keys never covered by the signature (SPEC §3): the signature itself and the embed mode. */
const ALWAYS_UNSIGNED = new Set(['signature', 'frame_mode'])

/**
 * Builds the exact HMAC input of the ECommPay protocol: flatten to `parent:child:value`,
 * booleans `1`/`0`, `null` empty, empty containers nothing, natural sort by key, join by `;`.
 * Hint: `:` inside a key is escaped as `::` as the PHP and Python SDKs do (EPay refuses `:` in
 * received keys, where the escape alone would not keep `{"a:": "b"}` and `{"a": "::b"}` apart).
 * Top-level `_` keys are signed like any other (an SDK signs every key it is given); which
 * ones the embed script added unsigned is the verifier's business (page-readings.ts).
 * @see ../../../shared/SPEC.md §3
 */
export function stringToSign(params: Record<string, Signable>): string {
  const entries: Array<[string, string]> = []
  for (const [key, value] of Object.entries(params)) {
    if (ALWAYS_UNSIGNED.has(key)) continue
    flatten(escapeKey(key), value, entries)
  }
  entries.sort((x, y) => naturalCompare(x[0], y[0]))
  return entries.map(([k, v]) => `${k}:${v}`).join(';')
}

function flatten(prefix: string, value: Signable, out: Array<[string, string]>): void {
  if (value === undefined) return
  if (value === null) {
    out.push([prefix, ''])
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => flatten(`${prefix}:${index}`, item, out))
  } else if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      // Nested signatures (e.g. `general.signature` in Gate requests) are never signed.
      if (ALWAYS_UNSIGNED.has(key)) continue
      flatten(`${prefix}:${escapeKey(key)}`, child, out)
    }
  } else if (typeof value === 'boolean') {
    out.push([prefix, value ? '1' : '0'])
  } else {
    out.push([prefix, String(value)])
  }
}

function escapeKey(key: string): string {
  return key.replaceAll(':', '::')
}
