import { PaymentError } from '../domain/errors.ts'
import { rejectControlCharacters } from './control-characters.ts'

/**
 * Parses JSON, refusing duplicate keys in any object (SPEC §3).
 * Hint: `JSON.parse` keeps the last of two equal keys while other parsers keep the first, so
 * a duplicate would let a signature verified on one reading pay on another.
 */
export function parseStrictJson(text: string): unknown {
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
