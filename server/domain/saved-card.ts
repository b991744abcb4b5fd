import { cardBrand } from './card-brand.ts'
import { assertCardUsable } from './card-checks.ts'
import { PaymentError } from './errors.ts'
import { clearPanDigits } from './payment.ts'
import type { CardData, CardTokenRecord, Clock, Ids, Project } from './ports.ts'

/** Seals and opens card numbers (the card vault), as the domain sees it. */
export type CardSealer = {
  seal(pan: string, context: string): { sealed: string; keyId: string }
  open(sealed: string, keyId: string, context: string): string
}

/** Reads and writes saved cards. */
export type SavedCardStore = {
  get(projectId: number, token: string): Promise<CardTokenRecord | undefined>
  insert(record: CardTokenRecord): Promise<void>
}

/**
 * Saves a card for a customer (`/v2/token/card/create`): only the sealed PAN, BIN, last four,
 * brand, expiry and holder are kept — never the CVC (SPEC §7).
 * Hint: the token id is the vault's additional data, so a sealed PAN copied onto another
 * token's row fails to open instead of charging the wrong card.
 */
export async function saveCard(
  deps: { clock: Clock; ids: Ids; vault: CardSealer; cardTokens: SavedCardStore },
  project: Project,
  customerId: string,
  card: CardData,
): Promise<CardTokenRecord> {
  const now = deps.clock.now()
  assertCardUsable(card, now)
  const token = `tok_${deps.ids.session()}`
  const { sealed, keyId } = deps.vault.seal(card.pan, token)
  const record: CardTokenRecord = {
    token, projectId: project.id, customerId, panSealed: sealed, keyId,
    bin: clearPanDigits(card.pan).first, last4: clearPanDigits(card.pan).last, brand: cardBrand(card.pan),
    expMonth: card.expMonth, expYear: card.expYear, holder: card.holder || undefined, createdAt: now,
  }
  await deps.cardTokens.insert(record)
  return record
}

/**
 * Opens a customer's saved card for a charge or payout. The CVC is not stored, so it is the
 * one given now (a customer-initiated payment) or empty (merchant-initiated).
 * Hint: the customer must be named: a token alone (seen in a callback, a log or a status answer)
 * must not charge whoever it belongs to. A token of another customer is reported as not found,
 * so token ids cannot be probed.
 */
export async function openSavedCard(
  deps: { vault: CardSealer; cardTokens: Pick<SavedCardStore, 'get'> },
  project: Project,
  token: string,
  customerId: string | undefined,
  cvc = '',
): Promise<{ record: CardTokenRecord; card: CardData }> {
  if (customerId === undefined) throw new PaymentError('validation_failed', 'customer.id is required with account_token', { param: 'customer.id' })
  const record = await deps.cardTokens.get(project.id, token)
  if (!record || record.customerId !== customerId) {
    throw new PaymentError('token_not_found', 'no saved card with this token for this customer', { param: 'account_token' })
  }
  const pan = deps.vault.open(record.panSealed, record.keyId, record.token)
  return { record, card: { pan, expMonth: record.expMonth, expYear: record.expYear, cvc, holder: record.holder ?? '' } }
}
