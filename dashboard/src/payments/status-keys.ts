import type { MessageKey } from '../i18n/i18n.ts'

// Apart from the payments list, so the screens that only name a status or an operation (a
// payment, an invoice, the balance, reconciliation) do not load the list's chunk for two lines.

/** Status words as keys of the catalogues (`awaiting capture` → `status_awaiting_capture`). */
export const statusKey = (status: string) => `status_${status.replace(/ /g, '_')}` as MessageKey
export const opKey = (type: string) => `op_${type.replace(/ /g, '_')}` as MessageKey
