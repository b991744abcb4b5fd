import { randomFillSync } from 'node:crypto'

const POOL_SIZE = 4096
const pool = Buffer.allocUnsafe(POOL_SIZE)
let offset = POOL_SIZE

/**
 * `bytes` fresh bytes from the CSPRNG, as `randomBytes` gives them, taken from a pool filled
 * 4 KB at a time: `randomBytes` per id was 3–4 % of `GET /payment`'s CPU profile (a call into
 * OpenSSL and a new buffer each time; #15). No byte is handed out twice: the offset only moves on.
 */
export function randomPoolBytes(bytes: number): Buffer {
  if (bytes > POOL_SIZE) return randomFillSync(Buffer.allocUnsafe(bytes))
  if (offset + bytes > POOL_SIZE) {
    randomFillSync(pool)
    offset = 0
  }
  // A copy: the pool is refilled in place, and a caller may keep what it was given.
  const out = Buffer.from(pool.subarray(offset, offset + bytes))
  offset += bytes
  return out
}
