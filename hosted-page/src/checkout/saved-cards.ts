import type { SavedCard } from '../../../protocol/schemas/page-api.ts'
import { isExpiryInPast } from '../card/expiry.ts'

/** The value of the "Use a new card" radio; card tokens are never empty. */
export const NEW_CARD = ''

/** Whether a saved card's expiry month is over (it then cannot be chosen). */
export function isSavedCardExpired(card: SavedCard, now: Date): boolean {
  return isExpiryInPast({ month: card.exp_month, year: card.exp_year }, now)
}
