import { describe, expect, it } from 'vitest'
import { isLuhnValid } from '../../protocol/card.ts'

describe('isLuhnValid', () => {
  it.each(['4242424242424242', '5555555555554444', '2200000000000004', '378282246310005', '4000000000003220'])(
    'accepts %s',
    (pan) => expect(isLuhnValid(pan)).toBe(true),
  )

  it.each(['4242424242424241', '1234567812345678', '', '4242 4242 4242 4242', 'abcd'])('rejects %j', (pan) => {
    expect(isLuhnValid(pan)).toBe(false)
  })
})
