import { describe, expect, it } from 'vitest'
import { detectBrand } from '../../protocol/card-brands.ts'
import { detectBrand as pageBrand } from '../../hosted-page/src/card/card-brand.ts'
import { cardBrand } from '../../server/domain/card-brand.ts'

const pan = (prefix: number) => `${prefix}000000000000`

describe('the one BIN table', () => {
  it('names 2221–2720 Mastercard, and neither 2220 nor 2721', () => {
    for (let prefix = 2221; prefix <= 2720; prefix++) expect(detectBrand(pan(prefix)), String(prefix)).toBe('mastercard')
    expect(detectBrand(pan(2220))).toBeNull()
    expect(detectBrand(pan(2721))).toBeNull()
    expect(cardBrand(pan(2220))).toBe('card')
  })

  it('names 2200–2204 Mir and 2205–2220 nothing', () => {
    for (let prefix = 2200; prefix <= 2204; prefix++) expect(detectBrand(pan(prefix)), String(prefix)).toBe('mir')
    for (let prefix = 2205; prefix <= 2220; prefix++) expect(detectBrand(pan(prefix)), String(prefix)).toBeNull()
  })

  it('gives the page and the server the same answer for every 4-digit BIN', () => {
    for (let prefix = 1000; prefix <= 9999; prefix++) {
      const digits = pan(prefix)
      expect(cardBrand(digits), String(prefix)).toBe(pageBrand(digits) ?? 'card')
    }
  })

  it.each([
    ['4242424242424242', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2200000000000004', 'mir'],
    ['378282246310005', 'amex'],
    ['3528000000000007', 'jcb'],
    ['6200000000000005', 'unionpay'],
    ['6759649826438453', 'maestro'],
  ] as const)('names the test card %s %s on the server', (number, brand) => {
    expect(cardBrand(number)).toBe(brand)
  })
})
