import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { inflateSync } from 'node:zlib'

/**
 * WOFF 1.0 → plain TrueType (sfnt): the tables inflated once, laid out with the sfnt header.
 * Why: fontkit inflates a WOFF table again on every glyph it reads, which made a 100 000-row
 * PDF spend most of its time in zlib; a TrueType font in memory is read in place.
 * @see https://www.w3.org/TR/WOFF/ (header and table directory)
 */
export function woffToSfnt(woff: Uint8Array): Buffer {
  const src = Buffer.from(woff.buffer, woff.byteOffset, woff.byteLength)
  if (src.toString('latin1', 0, 4) !== 'wOFF') throw new Error('not a WOFF font')
  const flavor = src.readUInt32BE(4)
  const count = src.readUInt16BE(12)
  const tables: Array<{ tag: number; checksum: number; data: Buffer }> = []
  for (let i = 0; i < count; i++) {
    const at = 44 + i * 20
    const offset = src.readUInt32BE(at + 4)
    const compLength = src.readUInt32BE(at + 8)
    const origLength = src.readUInt32BE(at + 12)
    const stored = src.subarray(offset, offset + compLength)
    const data = compLength < origLength ? inflateSync(stored) : stored
    if (data.length !== origLength) throw new Error('WOFF table has the wrong length')
    tables.push({ tag: src.readUInt32BE(at), checksum: src.readUInt32BE(at + 16), data })
  }
  const pad = (n: number) => (n + 3) & ~3
  const entrySelector = Math.floor(Math.log2(count))
  const header = 12 + 16 * count
  const out = Buffer.alloc(header + tables.reduce((sum, t) => sum + pad(t.data.length), 0))
  out.writeUInt32BE(flavor, 0)
  out.writeUInt16BE(count, 4)
  out.writeUInt16BE(2 ** entrySelector * 16, 6)
  out.writeUInt16BE(entrySelector, 8)
  out.writeUInt16BE(count * 16 - 2 ** entrySelector * 16, 10)
  let offset = header
  tables.forEach((t, i) => {
    out.writeUInt32BE(t.tag, 12 + i * 16)
    out.writeUInt32BE(t.checksum, 16 + i * 16)
    out.writeUInt32BE(offset, 20 + i * 16)
    out.writeUInt32BE(t.data.length, 24 + i * 16)
    t.data.copy(out, offset)
    offset += pad(t.data.length)
  })
  return out
}

let fonts: { regular: Buffer; bold: Buffer } | undefined

/**
 * DejaVu Sans, regular and bold: it covers Latin, Cyrillic and the currency signs, and comes
 * from an npm package (@fontsource/dejavu-sans), so `npm ci` brings it on any machine.
 * Its "latin" file is the whole font (6 253 glyphs), not a subset.
 */
export function pdfFonts(): { regular: Buffer; bold: Buffer } {
  if (!fonts) {
    const require = createRequire(import.meta.url)
    const load = (weight: number) => woffToSfnt(readFileSync(require.resolve(`@fontsource/dejavu-sans/files/dejavu-sans-latin-${weight}-normal.woff`)))
    fonts = { regular: load(400), bold: load(700) }
  }
  return fonts
}
