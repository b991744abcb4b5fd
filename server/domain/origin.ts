import { PaymentError } from './errors.ts'

// scheme://host[:port] and nothing else: a path, query, user info or wildcard has no meaning in
// an origin, and the value is written into `frame-ancestors`, so anything looser could widen
// the CSP (a space or `;` would even add directives).
const ORIGIN = /^(https?):\/\/([a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|\[[0-9a-f:.]+\])(?::(\d{1,5}))?\/?$/i

/**
 * Checks that `value` is a web origin (`https://shop.example`, `http://127.0.0.1:8080`) and
 * returns it in its serialised form (lower case, default port dropped, no trailing slash).
 */
export function parseOrigin(value: string): string {
  const match = ORIGIN.exec(value)
  let origin: string | undefined
  if (match) {
    try {
      origin = new URL(value).origin
    } catch {
      origin = undefined
    }
  }
  if (!origin || origin === 'null') {
    throw new PaymentError('validation_failed', `"${value}" is not an origin: give scheme://host[:port] with no path`, { param: 'origin' })
  }
  return origin
}
