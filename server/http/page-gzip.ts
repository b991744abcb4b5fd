import { constants, crc32, deflateRawSync } from 'node:zlib'

/** A piece of the page known before any request (its CSS, a language's catalogue), compressed once. */
export type FixedPiece = { readonly text: string; readonly bytes: Buffer; readonly deflated: Buffer }
/** The page as it is sent: fixed pieces between per-request text. */
export type Piece = string | FixedPiece

const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff])
/** An empty stored block with BFINAL set: the stream ends on a byte boundary after a flush. */
const LAST_BLOCK = Buffer.from([1, 0, 0, 0xff, 0xff])
/** Deflate's window: no back reference reaches further, so no dictionary needs to be longer. */
const WINDOW = 32 * 1024

/**
 * Compresses a fixed piece at the strongest level, ending on a byte boundary (a sync flush and no
 * final block), so it can sit anywhere in a deflate stream between pieces compressed later.
 */
export function fixedPiece(text: string): FixedPiece {
  const bytes = Buffer.from(text, 'utf8')
  return { text, bytes, deflated: deflateRawSync(bytes, { level: 9, finishFlush: constants.Z_SYNC_FLUSH }) }
}

/**
 * One gzip member (RFC 1952) for the pieces in order, compressing only the per-request text.
 *
 * Why: gzip of the whole page per answer was 11 % of `GET /payment`'s CPU (SPEC §13), most of
 * it spent again and again on the inline CSS and the language catalogue. Deflate blocks may be
 * concatenated once each ends byte-aligned (a sync flush), and the decoder keeps a 32 KB window
 * across them; so each per-request run is compressed with the text before it as its preset
 * dictionary and may still point back into the CSS, which keeps the size within a few bytes of
 * compressing the whole page at once. The CRC-32 and length close the member as gzip requires.
 */
export function gzipPieces(pieces: readonly Piece[]): Buffer {
  const out: Buffer[] = [HEADER]
  const plain: Buffer[] = []
  let crc = 0
  let size = 0
  for (const piece of pieces) {
    let bytes: Buffer
    if (typeof piece === 'string') {
      if (piece === '') continue
      bytes = Buffer.from(piece, 'utf8')
      const dictionary = lastWindow(plain, size)
      out.push(deflateRawSync(bytes, { level: 6, finishFlush: constants.Z_SYNC_FLUSH, ...(dictionary ? { dictionary } : {}) }))
    } else {
      // Node's crc32 answers 0 for some empty buffers instead of the running value.
      if (piece.bytes.length === 0) continue
      bytes = piece.bytes
      out.push(piece.deflated)
    }
    plain.push(bytes)
    crc = crc32(bytes, crc)
    size += bytes.length
  }
  const trailer = Buffer.alloc(8)
  trailer.writeUInt32LE(crc >>> 0, 0)
  trailer.writeUInt32LE(size % 2 ** 32, 4)
  out.push(LAST_BLOCK, trailer)
  return Buffer.concat(out)
}

function lastWindow(plain: readonly Buffer[], size: number): Buffer | undefined {
  if (size === 0) return undefined
  const all = plain.length === 1 ? plain[0]! : Buffer.concat(plain, size)
  return all.length > WINDOW ? all.subarray(all.length - WINDOW) : all
}
