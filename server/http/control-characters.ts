import { PaymentError } from '../domain/errors.ts'

// C0 controls but tab, line feed and carriage return: nothing a merchant or shopper types, and
// NUL in particular cannot be stored in PostgreSQL text, so it would fail after the fact.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/

/** Tells whether `text` holds a control character EPay refuses. */
export function hasControlCharacter(text: string): boolean {
  return CONTROL.test(text)
}

/**
 * Refuses any key or string value holding a control character, naming where it was found.
 * Hint: iterative, not recursive: a body of deeply nested arrays must not overflow the stack.
 */
export function rejectControlCharacters(value: unknown): void {
  const pending: Array<[unknown, string]> = [[value, '']]
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, path] = next
    if (typeof item === 'string') {
      if (hasControlCharacter(item)) {
        throw new PaymentError('forbidden_character', `${path || 'body'} contains a control character`, path ? { param: path } : {})
      }
    } else if (item && typeof item === 'object') {
      for (const [key, child] of Object.entries(item)) {
        if (hasControlCharacter(key)) throw new PaymentError('forbidden_character', `a key in ${path || 'body'} contains a control character`)
        pending.push([child, path ? `${path}.${key}` : key])
      }
    }
  }
}
