import { PaymentError } from '../domain/errors.ts'
import { rejectControlCharacters } from './control-characters.ts'

/**
 * Parses JSON, refusing duplicate keys in any object (SPEC §3).
 * Hint: `JSON.parse` keeps the last of two equal keys while other parsers keep the first, so
 * a duplicate would let a signature verified on one reading pay on another.
 */
export function parseStrictJson(text: string): unknown {
  assertShallow(text)
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new PaymentError('validation_failed', 'the body is not valid JSON')
  }
  // The text is valid JSON now, so a scan of strings and brackets is enough to see every key.
  const stack: Array<Set<string> | undefined> = []
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '{') stack.push(new Set())
    else if (ch === '[') stack.push(undefined)
    else if (ch === '}' || ch === ']') stack.pop()
    else if (ch === '"') {
      let end = i + 1
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1
      const keys = stack[stack.length - 1]
      let next = end + 1
      while (/\s/.test(text[next] ?? '')) next++
      if (keys && text[next] === ':') {
        const key = JSON.parse(text.slice(i, end + 1)) as string
        if (keys.has(key)) throw new PaymentError('duplicate_parameter', `parameter "${key}" is given more than once`, { param: key })
        keys.add(key)
      }
      i = end
    }
  }
  rejectControlCharacters(value)
  return value
}

/** How deep a request body may nest: ECommPay bodies go three levels down (e.g. `general.x`, `receipt_data.positions[].x`). */
export const MAX_JSON_DEPTH = 32

/**
 * Refuses a body nested deeper than MAX_JSON_DEPTH before anything walks it.
 * Hint: the string to sign, the control-character check and the schemas all recurse; 5 000
 * levels overflow the stack (a 500) before the signature is even checked. This counts brackets
 * outside strings, so it needs no parse; the body size is already bounded by the body limit.
 */
function assertShallow(text: string): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i)
    if (inString) {
      if (ch === 0x5c) i++
      else if (ch === 0x22) inString = false
    } else if (ch === 0x22) {
      inString = true
    } else if (ch === 0x7b || ch === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) throw new PaymentError('validation_failed', `the body nests deeper than ${MAX_JSON_DEPTH} levels`)
    } else if (ch === 0x7d || ch === 0x5d) {
      depth--
    }
  }
}
