import { DECLINES, errorDescription } from './decline-codes.ts'
import type { Operation, Payment } from './payment.ts'

/**
 * How long a shopper may try again after a declined attempt (the default page session): until
 * then the payment is reported `awaiting customer`, after it a final `decline` (SPEC §6, §8).
 */
export const RETRY_WINDOW_MS = 30 * 60_000

/**
 * Builds the body of a merchant callback in ECommPay's format (SPEC §8), without `signature`:
 * the dispatcher signs it at send time with the project's current secret.
 * Hint: ECommPay's words, not EPay's internal ones — payment statuses from ECommPay's list
 * (`awaiting customer` for a payment the shopper may still pay or retry, never `new`), method
 * names as ECommPay writes them (`JetonWallet`), integer provider ids, string codes. No `null`
 * values and no optional keys set to undefined — some official SDKs crash on them.
 * `now` decides whether a declined payment's retry window is still open (default: the
 * payment's last change, i.e. the moment of the event).
 */
export function callbackPayload(payment: Payment, operation: Operation, now: Date = payment.updatedAt): Record<string, unknown> {
  const retry = retryWindow(payment, now)
  const body: Record<string, unknown> = {
    project_id: payment.projectId,
    payment: compact({
      id: payment.paymentId,
      type: payment.type,
      status: reportedStatus(payment, retry),
      date: ecommpayDate(payment.updatedAt),
      method: methodName(operation.method),
      sum: { amount: payment.amount, currency: payment.currency },
      description: payment.description,
      ...(payment.status === 'decline' && payment.type === 'purchase'
        ? { is_new_attempts_available: retry !== undefined, ...(retry ? { attempts_timeout: ecommpayDate(retry) } : {}) }
        : {}),
      // Test and live never mix: a number, not a boolean or null, so every SDK signs and reads it alike.
      is_test: payment.test ? 1 : undefined,
    }),
    operation: compact({
      id: operation.id,
      type: operation.type,
      status: operation.status,
      date: ecommpayDate(operation.updatedAt),
      created_date: ecommpayDate(operation.createdAt),
      request_id: operation.requestId,
      sum_initial: { amount: operation.amount, currency: operation.currency },
      sum_converted: { amount: operation.amount, currency: operation.currency },
      provider: { id: providerNumber(operation.provider.id), payment_id: operation.provider.paymentId ?? '', auth_code: operation.provider.authCode ?? '' },
      ...codeAndMessage(operation),
    }),
  }
  if (operation.cardMask || operation.accountToken) {
    // A wallet account is a number only; a card also has its brand and, if saved, its token.
    body['account'] = operation.method === 'card'
      ? compact({ number: operation.cardMask, type: operation.cardBrand, token: operation.accountToken })
      : compact({ number: operation.cardMask })
  }
  if (payment.customerId) body['customer'] = { id: payment.customerId }
  if (operation.status === 'decline' || operation.status === 'error') {
    body['errors'] = [compact({ code: operation.code, message: operation.message, description: errorDescription(operation.code) })]
  }
  return body
}

/**
 * The payment status as ECommPay reports it. `new` (opened, nothing tried) and a decline the
 * shopper may still retry are `awaiting customer`; the decline becomes final when no attempt
 * is left or the retry window ends.
 */
export function reportedStatus(payment: Payment, retry: Date | undefined): string {
  if (payment.status === 'new') return 'awaiting customer'
  if (payment.status === 'decline' && retry !== undefined) return 'awaiting customer'
  return payment.status
}

/** When the shopper's chance to retry a declined purchase ends, or undefined if it has. */
export function retryWindow(payment: Payment, now: Date): Date | undefined {
  if (payment.status !== 'decline' || payment.type !== 'purchase' || payment.attempts >= payment.maxAttempts) return undefined
  let end = payment.updatedAt.getTime() + RETRY_WINDOW_MS
  if (payment.bestBefore) end = Math.min(end, payment.bestBefore.getTime())
  return now.getTime() < end ? new Date(end) : undefined
}

/** ECommPay's names of payment methods in callbacks (its Jeton documentation writes `JetonWallet`). */
const METHOD_NAMES: Record<string, string> = { card: 'card', jeton: 'JetonWallet' }

function methodName(method: string): string {
  return METHOD_NAMES[method] ?? method
}

/**
 * ECommPay's `provider.id` is an integer. A provider that has an ECommPay number records it as
 * its id (the simulators carry ECommPay's, see server/providers/provider-ids.ts); any other
 * provider id gets a stable number derived from its name, so a merchant can still tell
 * providers apart. The domain names no provider: the number comes from the id alone.
 */
export function providerNumber(id: string): number {
  if (/^[1-9]\d{0,14}$/.test(id)) return Number(id)
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(id)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0
  return 100_000 + (hash % 900_000)
}

/**
 * Every operation carries a string `code` and `message`, as ECommPay's do: a result's own, or
 * for a pending step (the intermediate 3-D Secure or redirect callback) "9999" / "Awaiting
 * processing", ECommPay's words for it.
 */
function codeAndMessage(operation: Operation): { code: string; message: string } | Record<string, never> {
  if (operation.code !== undefined && operation.message !== undefined) return { code: operation.code, message: operation.message }
  switch (operation.status) {
    case 'success':
      return { code: '0', message: 'Success' }
    case 'processing':
    case 'awaiting 3ds result':
    case 'awaiting redirect result':
      return { code: DECLINES.awaitingProcessing.code, message: DECLINES.awaitingProcessing.message }
    default:
      return operation.code !== undefined ? { code: operation.code, message: operation.message ?? '' } : {}
  }
}

/** ECommPay's date format: `2019-04-15T16:31:44+0000`, always UTC. */
export function ecommpayDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+0000')
}

function compact<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== null)) as T
}
