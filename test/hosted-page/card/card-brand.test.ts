import { describe, expect, it } from 'vitest'
import { brandFromName, cvcLength, detectBrand, maxPanLength, panLengths } from '../../../hosted-page/src/card/card-brand.ts'

describe('detectBrand', () => {
  it.each([
    ['4242424242424242', 'visa'],
    ['4', 'visa'],
    ['5555555555554444', 'mastercard'],
    ['2221000000000009', 'mastercard'],
    ['2720990000000000', 'mastercard'],
    ['2200000000000004', 'mir'],
    ['2204', 'mir'],
    ['378282246310005', 'amex'],
    ['34', 'amex'],
    ['6759649826438453', 'maestro'],
    ['5018', 'maestro'],
    ['6200000000000005', 'unionpay'],
    ['62', 'unionpay'],
    ['3528000000000007', 'jcb'],
    ['3589', 'jcb'],
  ] as const)('detects %s as %s', (digits, brand) => {
    expect(detectBrand(digits)).toBe(brand)
  })

  it.each(['', '2', '5', '3', '35', '2205', '1234', '9999'])('returns null for the ambiguous or unknown %j', (digits) => {
    expect(detectBrand(digits)).toBeNull()
  })
})

describe('cvcLength', () => {
  it('is 4 for Amex and 3 for every other brand or none', () => {
    expect(cvcLength('amex')).toBe(4)
    expect(cvcLength('visa')).toBe(3)
    expect(cvcLength('mir')).toBe(3)
    expect(cvcLength(null)).toBe(3)
  })
})

describe('panLengths', () => {
  it('knows the lengths the brand issues', () => {
    expect(panLengths('amex')).toEqual([15])
    expect(panLengths('mastercard')).toEqual([16])
    expect(maxPanLength('visa')).toBe(19)
    expect(maxPanLength(null)).toBe(19)
  })
})

describe('brandFromName', () => {
  it('reads the scheme names a server may send, in any case', () => {
    expect(brandFromName('visa')).toBe('visa')
    expect(brandFromName('Mastercard')).toBe('mastercard')
    expect(brandFromName('American Express')).toBe('amex')
    expect(brandFromName('AMEX')).toBe('amex')
    expect(brandFromName('union_pay')).toBe('unionpay')
    expect(brandFromName('diners')).toBeNull()
  })
})
