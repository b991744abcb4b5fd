import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

export type Encoding = 'br' | 'gzip'
export type Encoded = { identity: Uint8Array; br: Uint8Array; gzip: Uint8Array }

/**
 * A static file in every encoding, compressed once at start with the strongest settings: serving
 * it is then a lookup, where compressing per request cost more CPU than the rest of the answer.
 */
export function precompress(body: ArrayBuffer | Uint8Array): Encoded {
  const identity = body instanceof Uint8Array ? body : new Uint8Array(body)
  return {
    identity,
    br: brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } }),
    gzip: gzipSync(identity, { level: 9 }),
  }
}

/** The encoding to answer with for an `Accept-Encoding` header: brotli, else gzip, else none. */
export function chooseEncoding(accept: string | undefined): Encoding | undefined {
  if (!accept) return undefined
  let gzip = false
  for (const part of accept.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';')
    const refused = params.some((p) => /^\s*q=0(\.0{0,3})?\s*$/.test(p))
    if (refused) continue
    if (name === 'br') return 'br'
    if (name === 'gzip' || name === '*') gzip = true
  }
  return gzip ? 'gzip' : undefined
}
