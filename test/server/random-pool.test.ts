import { describe, expect, it } from 'vitest'
import { randomPoolBytes } from '../../server/random-pool.ts'

describe('pooled CSPRNG bytes', () => {
  it('hands out the asked length, never the same bytes twice across refills, and copies the caller keeps', () => {
    const seen = new Set<string>()
    const first = randomPoolBytes(16)
    const kept = Buffer.from(first)
    // 2 000 × 16 bytes crosses the 4 KB pool several times.
    for (let i = 0; i < 2000; i++) {
      const bytes = randomPoolBytes(16)
      expect(bytes).toHaveLength(16)
      seen.add(bytes.toString('hex'))
    }
    expect(seen.size).toBe(2000)
    expect(first.equals(kept)).toBe(true)
    expect(randomPoolBytes(5000)).toHaveLength(5000)
  })

  it('looks random: about half the bits set over 64 KB', () => {
    let ones = 0
    for (let i = 0; i < 4096; i++) for (const byte of randomPoolBytes(16)) for (let b = byte; b; b >>= 1) ones += b & 1
    expect(ones / (4096 * 16 * 8)).toBeGreaterThan(0.49)
    expect(ones / (4096 * 16 * 8)).toBeLessThan(0.51)
  })
})
