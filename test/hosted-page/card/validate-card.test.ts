import { describe, expect, it } from 'vitest'
import { fieldForParam, validateCard, validateField } from '../../../hosted-page/src/card/validate-card.ts'

const NOW = new Date(2026, 4, 15)
const input = { number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123', holder: ' Jane Doe ' }

describe('validateCard', () => {
  it('builds the pay body card from valid input', () => {
    expect(validateCard(input, NOW)).toEqual({
      ok: true,
      card: { pan: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123', holder: 'Jane Doe' },
    })
  })

  it('reports every invalid field at once', () => {
    const result = validateCard({ number: '4242 4242 4242 4241', expiry: '01/26', cvc: '12', holder: '' }, NOW)
    expect(result).toEqual({
      ok: false,
      errors: { number: 'number_invalid', expiry: 'expiry_past', cvc: 'cvc_invalid', holder: 'holder_required' },
    })
  })

  it('asks for a 4-digit CVC on Amex', () => {
    const amex = { ...input, number: '3782 822463 10005' }
    expect(validateField('cvc', amex, NOW)).toBe('cvc_invalid')
    expect(validateField('cvc', { ...amex, cvc: '1234' }, NOW)).toBeUndefined()
  })

  it('tells an incomplete number from a wrong one', () => {
    expect(validateField('number', { ...input, number: '4242 4242' }, NOW)).toBe('number_incomplete')
    expect(validateField('number', { ...input, number: '' }, NOW)).toBe('number_required')
  })
})

describe('fieldForParam', () => {
  it('maps the server param of a refused field to its input', () => {
    expect(fieldForParam('card.pan')).toBe('number')
    expect(fieldForParam('card.exp_year')).toBe('expiry')
    expect(fieldForParam('card.cvc')).toBe('cvc')
    expect(fieldForParam('card.holder')).toBe('holder')
    expect(fieldForParam('method')).toBeUndefined()
    expect(fieldForParam(undefined)).toBeUndefined()
  })
})
