import type { MessageKey } from '../i18n/translate.ts'

/**
 * What the decline screen says for an attempt's code (ECommPay's numbering, which EPay's
 * simulators and adapters use). The provider's own message is never shown: it is in the
 * provider's language and words, not the shopper's; an unknown code gets the general sentence.
 */
const REASONS: Readonly<Record<string, MessageKey>> = {
  '20102': 'decline_card',
  '20105': 'decline_funds',
  '20301': 'decline_3ds',
  '20106': 'decline_wallet',
  '30000': 'decline_not_processed',
}

export function declineReason(code: string | undefined): MessageKey {
  return code !== undefined && Object.hasOwn(REASONS, code) ? REASONS[code]! : 'decline_text'
}
