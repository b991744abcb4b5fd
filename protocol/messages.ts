import * as v from 'valibot'

/**
 * Widget ⇄ hosted page postMessage protocol (SPEC §11): `{message: "epframe.<name>", guid, data}`.
 * Hint: the widget has no dependencies, so it imports only the types from here and carries a
 * hand-written guard; a test runs that guard and these schemas over the same fixtures.
 */

export const MESSAGE_PREFIX = 'epframe.'

const PaymentRefSchema = v.object({ payment_id: v.string(), status: v.string() })

/** Messages the hosted page sends to the merchant page that embeds it. */
export const PageMessageSchema = v.variant('message', [
  v.object({ message: v.literal('epframe.loaded'), guid: v.string(), data: v.object({}) }),
  v.object({
    message: v.literal('epframe.resize'),
    guid: v.string(),
    data: v.object({ width: v.number(), height: v.number() }),
  }),
  v.object({ message: v.literal('epframe.payment.sent'), guid: v.string(), data: PaymentRefSchema }),
  v.object({ message: v.literal('epframe.payment.success'), guid: v.string(), data: PaymentRefSchema }),
  v.object({ message: v.literal('epframe.payment.fail'), guid: v.string(), data: PaymentRefSchema }),
  v.object({ message: v.literal('epframe.card.verify.success'), guid: v.string(), data: PaymentRefSchema }),
  v.object({ message: v.literal('epframe.card.verify.fail'), guid: v.string(), data: PaymentRefSchema }),
  v.object({ message: v.literal('epframe.exit'), guid: v.string(), data: v.object({}) }),
  v.object({
    message: v.literal('epframe.redirect'),
    guid: v.string(),
    data: v.object({ url: v.string() }),
  }),
  // Esc pressed inside the page: the widget closes its modal (a key in a frame never reaches the parent's listeners).
  v.object({ message: v.literal('epframe.escape'), guid: v.string(), data: v.object({}) }),
  // Answer to the widget's `check_validation` (ECommPay's embedded mode): field → message, empty when valid.
  v.object({
    message: v.literal('epframe.embedded_mode.check_validation_response'),
    guid: v.string(),
    data: v.record(v.string(), v.string()),
  }),
])
export type PageMessage = v.InferOutput<typeof PageMessageSchema>
export type PageMessageName = PageMessage['message']

/** Messages the merchant page's widget sends into the hosted page. */
export const WidgetMessageSchema = v.variant('message', [
  v.object({ message: v.literal('epframe.close'), guid: v.string(), data: v.object({}) }),
  /** Put focus on the page's first field (the modal opened, or Tab wrapped around to the frame). */
  v.object({ message: v.literal('epframe.focus'), guid: v.string(), data: v.object({}) }),
  /** ECommPay's embedded mode: the merchant's own button asks the page to validate its form… */
  v.object({ message: v.literal('epframe.embedded_mode.check_validation'), guid: v.string(), data: v.object({}) }),
  /** …and, once valid, to pay with it. */
  v.object({ message: v.literal('epframe.embedded_mode.submit'), guid: v.string(), data: v.object({}) }),
])
export type WidgetMessage = v.InferOutput<typeof WidgetMessageSchema>

/**
 * ECommPay's naming rule for widget callbacks: `epframe.payment.success` → `onPaymentSuccess`.
 */
export function callbackNameFor(message: string): string {
  const name = message.startsWith(MESSAGE_PREFIX) ? message.slice(MESSAGE_PREFIX.length) : message
  return 'on' + name.split(/[._-]/).filter(Boolean).map((p) => p[0]!.toUpperCase() + p.slice(1)).join('')
}
