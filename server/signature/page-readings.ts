import { parsePythonLiteral } from './python-literal.ts'
import { orderEntries, sdkEntries, unitCompare, type Entry, type SdkAlgorithm } from './sdk-string-to-sign.ts'
import type { Signable } from './string-to-sign.ts'

/**
 * One way a Payment Page query may have been signed: the SDK algorithm, the exact HMAC input,
 * and the parameters that reading makes signed (`params`) or leaves unsigned (`unsigned`).
 */
export type PageReading = {
  sdk: SdkAlgorithm
  toSign: string
  params: Record<string, string>
  unsigned: Record<string, string>
}

/** Keys the embed script adds after the merchant signed (SPEC §3, §11): they may be unsigned. */
export const EMBED_KEYS = ['_referrer', '_sw', '_sh', '_guid'] as const
/** Added by CMS plugins, before or after signing. */
export const PLUGIN_KEYS = ['_plugin_version'] as const

/** What the caller knows about parameter names. */
export type PageVocabulary = {
  /** Parameters EPay reads: never read as lists or nested keys, so each has one value. */
  known: ReadonlySet<string>
  /** Known parameters the typed SDKs send as booleans. */
  booleans: ReadonlySet<string>
}

/** How many distinct strings to sign one request may cost (each is one HMAC per live secret). */
export const MAX_READINGS = 96
const MAX_COMBINATIONS_PER_SDK = 32

type Alternative = Signable
type Choice = { key: string; alternatives: readonly [Alternative, Alternative] }
type Shape = { sdk: SdkAlgorithm; base: Record<string, Signable>; choices: Choice[]; unsigned: Record<string, string> }

/**
 * Every reading of a Payment Page query that an official SDK could have produced, most likely
 * first, each distinct string to sign once, at most {@link MAX_READINGS}.
 * Hint: the signed parameters of a reading are built from its flattened entries only (one
 * value per top-level key, list entries as sorted `index:value` joined by `;`), so readings with
 * the same string to sign always mean the same parameters — the property test proves it over
 * the union of readings. What each SDK writes:
 * - PHP: booleans as `1`/`0`, lists as `items[0]=…` (http_build_query);
 * - Python: `True`/`False`, `None`, lists as `str(list)` (`['a', 'b']`);
 * - JS: `true`/`false`, `null`, lists joined by `,` (encodeURIComponent of an array);
 * - Go: `true`/`false` (lists are written empty, so they cannot be verified);
 * - Java: `true`/`false`, lists as `[a, b]` (List.toString).
 */
export function* pageReadings(raw: Record<string, string>, vocabulary: PageVocabulary): Generator<PageReading> {
  const seen = new Set<string>()
  // Shapes are built on first use: a genuine query usually verifies under the very first one.
  const shapes = layers(raw).flatMap(({ signed, unsigned }) => shapesFor(signed, unsigned, vocabulary))
  const built: Array<{ shape: Shape; combos: Array<{ bits: number; rank: number }> } | null | undefined> = []
  const get = (i: number) => {
    if (built[i] === undefined) {
      const shape = shapes[i]!()
      built[i] = shape ? { shape, combos: combinations(shape.choices.length) } : null
    }
    return built[i]
  }
  for (let rank = 0; rank <= MAX_RANK; rank++) {
    for (let i = 0; i < shapes.length; i++) {
      const entry = get(i)
      if (!entry) continue
      const { shape, combos } = entry
      for (const picks of combos.filter((c) => c.rank === rank)) {
        const reading = readingOf(shape, picks.bits)
        if (!reading || seen.has(reading.toSign)) continue
        seen.add(reading.toSign)
        yield reading
        if (seen.size >= MAX_READINGS) return
      }
    }
  }
}

/** The `_` keys left out as unsigned: none, the embed script's, those and the plugin's, the plugin's. */
function layers(raw: Record<string, string>): Array<{ signed: Record<string, string>; unsigned: Record<string, string> }> {
  const present = (keys: readonly string[]) => keys.filter((k) => Object.hasOwn(raw, k))
  const embed = present(EMBED_KEYS)
  const plugin = present(PLUGIN_KEYS)
  const sets = [[], embed, [...embed, ...plugin], plugin].filter((set, i, all) => all.findIndex((s) => s.length === set.length && s.every((k) => set.includes(k))) === i)
  return sets.map((out) => {
    const signed: Record<string, string> = {}
    const unsigned: Record<string, string> = {}
    for (const [k, value] of Object.entries(raw)) {
      if (k === 'signature' || k === 'frame_mode') continue
      if (out.includes(k)) unsigned[k] = value
      else signed[k] = value
    }
    return { signed, unsigned }
  })
}

function shapesFor(signed: Record<string, string>, unsigned: Record<string, string>, vocabulary: PageVocabulary): Array<() => Shape | undefined> {
  const nested = () => {
    const params = phpNested(signed, vocabulary.known)
    return params ? shape('php', params, unsigned, vocabulary) : undefined
  }
  return [nested, ...(['php', 'js', 'python', 'go', 'java'] as const).map((sdk) => () => shape(sdk, signed, unsigned, vocabulary))]
}

function shape(sdk: SdkAlgorithm, params: Record<string, Signable>, unsigned: Record<string, string>, vocabulary: PageVocabulary): Shape {
  const choices: Choice[] = []
  const base: Record<string, Signable> = {}
  for (const [key, value] of Object.entries(params)) {
    base[key] = value
    if (typeof value !== 'string') continue
    const typed = typedValue(sdk, key, value, vocabulary.known)
    if (typed === undefined) continue
    // The likeliest reading first: a known boolean as a boolean, other known text as written.
    const typedFirst = vocabulary.booleans.has(key) || !vocabulary.known.has(key)
    choices.push({ key, alternatives: typedFirst ? [typed, value] : [value, typed] })
  }
  return { sdk, base, choices, unsigned }
}

/** What `value` stands for when the SDK wrote a typed value as this text; undefined if nothing. */
function typedValue(sdk: SdkAlgorithm, key: string, value: string, known: ReadonlySet<string>): Signable | undefined {
  const bools = sdk === 'python' ? PY_BOOLEANS : JS_BOOLEANS
  if (Object.hasOwn(bools, value)) return bools[value]!
  if ((sdk === 'python' && value === 'None') || (sdk === 'js' && value === 'null')) return null
  if (known.has(key)) return undefined
  if (sdk === 'python') return parsePythonLiteral(value)
  if (sdk === 'js' && value.includes(',')) return value.split(',')
  if (sdk === 'java' && value.startsWith('[') && value.endsWith(']')) return value === '[]' ? [] : value.slice(1, -1).split(', ')
  return undefined
}

const JS_BOOLEANS: Record<string, boolean> = { true: true, false: false }
const PY_BOOLEANS: Record<string, boolean> = { True: true, False: false }

/**
 * PHP's http_build_query writes a list as `items[0]=a&items[1]=b`; read such keys as the nested
 * value it signed. Undefined when there is no such key, when one names a parameter EPay reads,
 * or when the keys conflict (`a=1&a[0]=2`).
 */
function phpNested(params: Record<string, string>, known: ReadonlySet<string>): Record<string, Signable> | undefined {
  const out: Record<string, Signable> = {}
  let any = false
  for (const [key, value] of Object.entries(params)) {
    const path = bracketPath(key)
    if (!path) {
      if (Object.hasOwn(out, key)) return undefined
      out[key] = value
      continue
    }
    any = true
    if (known.has(path[0]!)) return undefined
    let node: Record<string, Signable> = out
    for (const [i, segment] of path.entries()) {
      const last = i === path.length - 1
      const existing = Object.hasOwn(node, segment) ? node[segment] : undefined
      if (last) {
        if (existing !== undefined) return undefined
        node[segment] = value
      } else {
        if (existing === undefined) node[segment] = {}
        const next = node[segment]
        if (next === null || typeof next !== 'object' || Array.isArray(next)) return undefined
        node = next
      }
    }
  }
  return any ? out : undefined
}

function bracketPath(key: string): string[] | undefined {
  const match = /^([^[\]]+)((?:\[[^[\]]+\]){1,4})$/.exec(key)
  if (!match) return undefined
  return [match[1]!, ...match[2]!.slice(1, -1).split('][')]
}

const MAX_RANK = 6

/** Choice vectors ordered by how many choices differ from the likeliest reading. */
function combinations(n: number): Array<{ bits: number; rank: number }> {
  const out: Array<{ bits: number; rank: number }> = []
  const limit = n <= 5 ? 2 ** n : 0
  for (let bits = 0; bits < limit; bits++) out.push({ bits, rank: popcount(bits) })
  if (n > 5) {
    // Too many ambiguous values to try all: the likeliest, one flipped, all typed, all as written.
    out.push({ bits: 0, rank: 0 })
    for (let i = 0; i < Math.min(n, 30); i++) out.push({ bits: 2 ** i, rank: 1 })
  }
  return out.sort((a, b) => a.rank - b.rank).slice(0, MAX_COMBINATIONS_PER_SDK)
}

function popcount(bits: number): number {
  let n = 0
  for (let b = bits; b; b >>>= 1) n += b & 1
  return n
}

function readingOf(shape: Shape, bits: number): PageReading | undefined {
  const params: Record<string, Signable> = { ...shape.base }
  shape.choices.forEach((choice, i) => {
    params[choice.key] = choice.alternatives[(bits >>> i) & 1 ? 1 : 0]!
  })
  let entries: Entry[]
  try {
    entries = sdkEntries(params, shape.sdk)
  } catch {
    return undefined
  }
  const toSign = orderEntries(entries, shape.sdk).map(([k, v]) => `${k}:${v}`).join(';')
  // Built only for the reading that verifies: most readings are never looked at.
  return { sdk: shape.sdk, toSign, get params() { return paramsOf(entries) }, unsigned: shape.unsigned }
}

/**
 * The signed parameters as the entries say them: a top-level key's value, or for a list or
 * nested value its `path:value` remainders in code unit order joined by `;` (a `;` is refused
 * in input, so this cannot be forged by a plain value).
 */
function paramsOf(entries: readonly Entry[]): Record<string, string> {
  const groups = new Map<string, string[]>()
  for (const [path, value] of entries) {
    const colon = path.indexOf(':')
    const top = colon < 0 ? path : path.slice(0, colon)
    const rest = colon < 0 ? value : `${path.slice(colon + 1)}:${value}`
    const group = groups.get(top)
    if (group) group.push(rest)
    else groups.set(top, [rest])
  }
  const out: Record<string, string> = {}
  for (const [top, rests] of groups) out[top] = rests.length === 1 ? rests[0]! : rests.sort(unitCompare).join(';')
  return out
}
