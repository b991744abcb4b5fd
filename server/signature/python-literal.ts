import type { Signable } from './string-to-sign.ts'

/**
 * Reads a list or dict the way the Python SDK writes one into a Payment Page URL: `urlencode`
 * puts `str(value)` there, e.g. `['i0', 'i1']` or `{'a': True}`, while the signature covers the
 * elements. Returns undefined for anything that is not exactly such a literal.
 * Hint: only what `repr` produces for str, int, float, bool, None, list and dict is read; a dict
 * key with `:` is refused, since the string to sign could then be split two ways.
 */
export function parsePythonLiteral(text: string): Signable[] | { [key: string]: Signable } | undefined {
  if (!/^[[{]/.test(text) || text.length > 4096) return undefined
  const parser = new Parser(text)
  try {
    const value = parser.value(0)
    parser.space()
    if (!parser.done() || value === null || typeof value !== 'object') return undefined
    return value
  } catch {
    return undefined
  }
}

const MAX_DEPTH = 4

class Parser {
  private i = 0
  constructor(private readonly s: string) {}

  done(): boolean {
    return this.i === this.s.length
  }

  space(): void {
    while (this.s[this.i] === ' ') this.i++
  }

  value(depth: number): Signable {
    if (depth > MAX_DEPTH) throw new Error('too deep')
    this.space()
    const c = this.s[this.i]
    if (c === '[') return this.list(depth)
    if (c === '{') return this.dict(depth)
    if (c === "'" || c === '"') return this.string()
    for (const [word, value] of WORDS) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length
        return value
      }
    }
    const number = /^-?\d+(\.\d+)?(e[+-]?\d+)?/.exec(this.s.slice(this.i))
    if (!number) throw new Error('not a literal')
    this.i += number[0].length
    // str() of a Python number is what the signer saw; keep its text, not a JS re-rendering.
    return number[0]
  }

  private list(depth: number): Signable[] {
    this.i++
    const out: Signable[] = []
    this.space()
    if (this.s[this.i] === ']') {
      this.i++
      return out
    }
    for (;;) {
      out.push(this.value(depth + 1))
      this.space()
      const c = this.s[this.i++]
      if (c === ']') return out
      if (c !== ',') throw new Error('expected , or ]')
    }
  }

  private dict(depth: number): { [key: string]: Signable } {
    this.i++
    const out: { [key: string]: Signable } = Object.create(null)
    this.space()
    if (this.s[this.i] === '}') {
      this.i++
      return out
    }
    for (;;) {
      this.space()
      const key = this.string()
      if (key === '' || key.includes(':') || Object.hasOwn(out, key)) throw new Error('bad key')
      this.space()
      if (this.s[this.i++] !== ':') throw new Error('expected :')
      out[key] = this.value(depth + 1)
      this.space()
      const c = this.s[this.i++]
      if (c === '}') return out
      if (c !== ',') throw new Error('expected , or }')
    }
  }

  private string(): string {
    const quote = this.s[this.i++]
    if (quote !== "'" && quote !== '"') throw new Error('expected a string')
    let out = ''
    for (;;) {
      const c = this.s[this.i++]
      if (c === undefined) throw new Error('unterminated string')
      if (c === quote) return out
      if (c !== '\\') {
        out += c
        continue
      }
      const e = this.s[this.i++]
      const simple = ESCAPES[e ?? '']
      if (simple !== undefined) {
        out += simple
        continue
      }
      const width = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0
      const hex = this.s.slice(this.i, this.i + width)
      if (width === 0 || !/^[0-9a-f]+$/i.test(hex) || hex.length !== width) throw new Error('bad escape')
      out += String.fromCodePoint(Number.parseInt(hex, 16))
      this.i += width
    }
  }
}

const WORDS: ReadonlyArray<readonly [string, Signable]> = [['True', true], ['False', false], ['None', null]]
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', r: '\r', t: '\t' }
