import { describe, expect, it } from 'vitest'
import { caretAfterFormat, digitsOnly, formatCardNumber, formatExpiry } from '../../../hosted-page/src/card/format.ts'

describe('formatCardNumber', () => {
  it.each([
    ['4', '4'],
    ['42424', '4242 4'],
    ['4242424242424242', '4242 4242 4242 4242'],
    ['4242-4242 4242x4242', '4242 4242 4242 4242'],
    ['4242424242424242123', '4242 4242 4242 4242 123'],
    ['378282246310005', '3782 822463 10005'],
    ['3782822463100059999', '3782 822463 10005'],
    ['55555555555544449', '5555 5555 5555 4444'],
    ['', ''],
  ])('formats %j as %j', (raw, formatted) => {
    expect(formatCardNumber(raw)).toBe(formatted)
  })
})

describe('formatExpiry', () => {
  it.each([
    ['1', '1'],
    ['4', '04'],
    ['12', '12'],
    ['122', '12/2'],
    ['1226', '12/26'],
    ['12/26', '12/26'],
    ['12/2699', '12/26'],
    ['12/', '12'],
  ])('formats %j as %j', (raw, formatted) => {
    expect(formatExpiry(raw)).toBe(formatted)
  })
})

describe('caretAfterFormat', () => {
  it('keeps the caret after the same digit when spaces move', () => {
    // Typed "9" after the 4th digit of "4242 4242": raw "42429 4242", caret 5.
    const formatted = formatCardNumber('42429 4242')
    expect(formatted).toBe('4242 9424 2')
    expect(caretAfterFormat('42429 4242', 5, formatted)).toBe(6)
  })

  it('puts the caret at the start when no digit precedes it', () => {
    expect(caretAfterFormat(' 4242', 1, '4242')).toBe(0)
  })
})

describe('digitsOnly', () => {
  it('drops everything but digits', () => {
    expect(digitsOnly(' 4242-42a42 ')).toBe('42424242')
  })
})
