import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { gunzipSync, gzipSync } from 'node:zlib'
import { fixedPiece, gzipPieces, type Piece } from '../../../server/http/page-gzip.ts'
import { fuzzRuns } from '../../fuzz/runs.ts'

const text = (p: Piece) => (typeof p === 'string' ? p : p.text)

describe('the page as one gzip member made of pieces compressed at different times', () => {
  it('decodes (CRC-32 and length checked by zlib) to exactly the pieces joined', () => {
    const piece = fc.oneof(
      fc.string({ unit: 'grapheme', maxLength: 3000 }),
      fc.string({ unit: 'grapheme', maxLength: 3000 }).map(fixedPiece),
      // Long runs reach past deflate's 32 KB window, so the preset dictionary is cut to it.
      fc.constantFrom('абв<div class="summary">'.repeat(1500), 'x'.repeat(40_000)),
    )
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), (pieces) => {
        expect(gunzipSync(gzipPieces(pieces)).toString('utf8')).toBe(pieces.map(text).join(''))
      }),
      { seed: 20261201, numRuns: fuzzRuns(300) },
    )
  })

  it('stays within 3 % of compressing the whole page at once, because later runs may point back into the fixed CSS', () => {
    const css = Array.from({ length: 120 }, (_, i) => `.card__field-${i}{margin:${i}px;color:var(--ep-text)}`).join('')
    const shell = Array.from({ length: 40 }, (_, i) => `<div class="card__field-${i}">Поле ${i}</div>`).join('')
    const pieces: Piece[] = ['<html><head><style nonce="abc">', fixedPiece(css), `</style></head><body>${shell}`, fixedPiece('</body></html>')]
    const whole = gzipSync(pieces.map(text).join(''), { level: 6 }).length
    expect(gzipPieces(pieces).length).toBeLessThan(whole * 1.03)
  })
})
