import { isLuhnValid } from '../../protocol/card.ts'
import { PaymentError } from './errors.ts'
import type { CardData } from './ports.ts'

/**
 * Refuses card data that no acquirer could accept, before an attempt is spent on it.
 * Hint: messages name the field only; card data never appears in an error.
 */
export function assertCardUsable(card: CardData, now: Date): void {
  if (!isLuhnValid(card.pan)) throw new PaymentError('validation_failed', 'card number is not valid', { param: 'card.pan' })
  const endOfExpiryMonth = Date.UTC(card.expYear, card.expMonth, 1)
  if (endOfExpiryMonth <= now.getTime()) {
    throw new PaymentError('validation_failed', 'the card has expired', { param: 'card.exp_year' })
  }
}
