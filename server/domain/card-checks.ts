import { PaymentError } from './errors.ts'
import type { CardData } from './ports.ts'

/** Tells whether a digit string passes the Luhn checksum every card number carries. */
export function luhnValid(pan: string): boolean {
  let sum = 0
  for (let i = 0; i < pan.length; i++) {
    let d = pan.charCodeAt(pan.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return pan.length > 0 && sum % 10 === 0
}

/**
 * Refuses card data that no acquirer could accept, before an attempt is spent on it.
 * Hint: messages name the field only; card data never appears in an error.
 */
export function assertCardUsable(card: CardData, now: Date): void {
  if (!luhnValid(card.pan)) throw new PaymentError('validation_failed', 'card number is not valid', { param: 'card.pan' })
  const endOfExpiryMonth = Date.UTC(card.expYear, card.expMonth, 1)
  if (endOfExpiryMonth <= now.getTime()) {
    throw new PaymentError('validation_failed', 'the card has expired', { param: 'card.exp_year' })
  }
}
