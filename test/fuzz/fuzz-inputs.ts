import fc from 'fast-check'

/**
 * Shared generators and checks for the HTTP fuzz suites: hostile strings that reach parsers,
 * and what a response must never contain.
 */

/** Strings aimed at parsers: numbers in odd notations, URLs that try to escape, markup, JSON. */
export const nastyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ minLength: 1000, maxLength: 5000 }) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '', ' ', '0', '-1', '1e3', '0x10', '9007199254740993', '99999999999999999999', '1.5', 'NaN', 'Infinity', 'null',
      'undefined', '__proto__', 'constructor', 'prototype', 'true', 'false', 'javascript:alert(1)', '//evil.com',
      'https://shop.example@evil.com/', 'https://shop.example/ok', 'http://shop.example:8080/x', 'data:text/html,x',
      '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', '{"accent":"#000000"}', '{"css":"body{}"}', '[]', '{}',
      '2029-01-01T00:00:00Z', '2031-01-01T00:00:00Z', 'not a date', 'EUR', 'eur', 'JPY', 'XXX', 'EURO', 'sale', 'auth',
      'purchase', 'payout', 'card_verify', 'jeton', 'card', 'paypal', 'parent_page', '%', '%zz', '\u0000', '\ud800', 'é',
      "' OR 1=1 --", '$1', '4242424242424242',
    ),
  },
)

/** Stack traces, source paths and driver errors: a response carrying any of these leaks internals. */
const LEAK = /node_modules|file:\/\/|\/work\/|\/server\/|\.ts:\d|\n\s+at\s|\bat\s+\S+\s+\(|TypeError|ReferenceError|RangeError|SyntaxError|duplicate key|violates|relation "|syntax error at|PGlite|Error: /

/** Tells what a response body leaks, if anything. */
export function leakIn(body: string): string | undefined {
  return LEAK.exec(body)?.[0]
}

/** Applies one of the malformations a hand-written or hostile query string can carry. */
export const queryMutation = fc.constantFrom<(q: string) => string>(
  (q) => q,
  (q) => q,
  (q) => q,
  (q) => `${q}&%`,
  (q) => `${q}&a=%zz`,
  (q) => `${q}&b=%E0%A4%A`,
  (q) => `${q}&;=1`,
  (q) => `${q}&c=a;b`,
  (q) => `${q}&&&=`,
  (q) => `${q}&${q.split('&')[0] ?? ''}`,
  (q) => q.replaceAll('=', '%3D'),
  (q) => q.replaceAll('&', ';'),
  (q) => `${q}#fragment`,
  (q) => q.slice(0, Math.floor(q.length / 2)),
)
