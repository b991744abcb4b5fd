import { describe, expect, it } from 'vitest'
import { clearPanDigits, maskPan } from '../../../server/domain/payment.ts'

// @see issue 9 item 7: a 12-digit PAN masked as first 6 + last 4 showed 10 of its 12 digits.
describe('maskPan', () => {
  it.each([
    ['4242424242424242', '424242******4242'],
    ['4000000000000000003', '400000*********0003'],
    ['378282246310005', '378********0005'],
    ['30569309025904', '305*******5904'],
    ['4222222222222', '42*******2222'],
    ['500000000009', '50******0009'],
  ])('masks %s as %s', (pan, masked) => {
    expect(maskPan(pan)).toBe(masked)
  })

  it('never shows more than the first 6 and last 4, nor more than half the digits of a PAN under 16', () => {
    for (let length = 1; length <= 19; length++) {
      const pan = '1234567890123456789'.slice(0, length)
      const masked = maskPan(pan)
      const shown = masked.replace(/\*/g, '')
      expect(masked).toHaveLength(length)
      expect(shown.length).toBeLessThanOrEqual(10)
      if (length < 16) expect(shown.length).toBeLessThanOrEqual(Math.floor(length / 2))
      const { first, last } = clearPanDigits(pan)
      expect(first.length).toBeLessThanOrEqual(6)
      expect(last.length).toBeLessThanOrEqual(4)
      expect(masked).toBe(`${first}${'*'.repeat(length - first.length - last.length)}${last}`)
      expect(pan.startsWith(first) && pan.endsWith(last)).toBe(true)
    }
  })
})
