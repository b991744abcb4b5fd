import type { Assets } from './deps.ts'
import { fixedPiece, type FixedPiece, type Piece } from './page-gzip.ts'

/** The places in the built page that change per answer. */
type Slot = 'nonce' | 'lang' | 'title' | 'app' | 'boot'
export type PageTemplate = { parts: readonly string[]; slots: readonly Slot[]; fixed: readonly (FixedPiece | undefined)[] }

const MARK = (slot: Slot) => `\u0000${slot}\u0000`
const FIXED_FROM = 512
const compiled = new WeakMap<Assets, PageTemplate>()

/**
 * The built index.html cut once into constant parts and slots, so an answer is one join: no
 * regular expression over ~8 KB of HTML and CSS per request. Tags get the nonce attribute as
 * withNonce gives it.
 */
export function pageTemplate(assets: Assets): PageTemplate {
  let template = compiled.get(assets)
  if (!template) {
    const marked = assets.pageHtml
      .replace(/<(script|style|link)\b/g, `<$1 nonce="${MARK('nonce')}"`)
      .replace(/<html lang="[^"]*"/, `<html lang="${MARK('lang')}"`)
      .replace(/<title>[^<]*<\/title>/, `<title>${MARK('title')}</title>`)
      .replace('<div id="app"></div>', `<div id="app">${MARK('app')}</div>`)
      .replace('<!--epay-boot-->', MARK('boot'))
    const pieces = marked.split(/\u0000(nonce|lang|title|app|boot)\u0000/)
    const parts = pieces.filter((_, i) => i % 2 === 0)
    // The CSS part and the closing tags are compressed once; short parts between slots go with
    // the slots' text, since each separately compressed run costs a zlib set-up per answer.
    const fixed = parts.map((part, i) => (part.length >= FIXED_FROM || i === parts.length - 1 ? fixedPiece(part) : undefined))
    template = { parts, slots: pieces.filter((_, i) => i % 2 === 1) as Slot[], fixed }
    compiled.set(assets, template)
  }
  return template
}

/**
 * The page with every slot filled, as pieces for gzipPieces: fixed pieces stay whole, and text
 * between them joins into one run. Values are already escaped HTML.
 */
export function pagePieces(template: PageTemplate, values: Record<Slot, string | readonly Piece[]>): Piece[] {
  const pieces: Piece[] = []
  let run = ''
  const add = (piece: Piece) => {
    if (typeof piece === 'string') {
      run += piece
      return
    }
    if (run) pieces.push(run)
    run = ''
    pieces.push(piece)
  }
  const addPart = (i: number) => add(template.fixed[i] ?? template.parts[i]!)
  addPart(0)
  for (let i = 0; i < template.slots.length; i++) {
    const value = values[template.slots[i]!]
    if (typeof value === 'string') add(value)
    else value.forEach(add)
    addPart(i + 1)
  }
  if (run) pieces.push(run)
  return pieces
}

/** The pieces as one text, for a client that takes no compression. */
export function piecesText(pieces: readonly Piece[]): string {
  return pieces.map((piece) => (typeof piece === 'string' ? piece : piece.text)).join('')
}
