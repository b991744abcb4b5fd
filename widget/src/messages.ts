/** A page message as the widget accepts it: `{message: "epframe.<name>", guid, data}`. */
export type PageMessageLike = { message: string; guid: string; data: Record<string, unknown> }

const str = (x: unknown) => typeof x == 'string'
// valibot's v.number() refuses NaN, so this does too: the two guards must agree (a test checks).
const num = (x: unknown) => typeof x == 'number' && x === x

/** ECommPay's callback naming rule: `epframe.payment.success` → `onPaymentSuccess`. */
export function callbackName(message: string): string {
  return 'on' + message.replace(/^epframe\./, '').replace(/(?:^|[._-]+)(.)/g, (_, c: string) => c.toUpperCase())
}

/** postMessage data as an object: the object itself, or the object a JSON string holds. */
export function parseMessage(raw: unknown): Record<string, unknown> | undefined {
  try {
    const m = str(raw) ? JSON.parse(raw as string) : raw
    if (m && typeof m == 'object') return m
  } catch {}
}

/**
 * Reads postMessage data (an object, or a JSON string of one) as a page message, else undefined.
 * Hint: a hand-written twin of protocol/messages.ts's PageMessageSchema, because the widget
 * ships no valibot; test/widget/messages.test.ts runs both over the same fixtures. Other
 * `epframe.*` names than the protocol's pass with any object data, so a newer page's event
 * still reaches the merchant's matching `on*` callback.
 */
export function readPageMessage(raw: unknown): PageMessageLike | undefined {
  const m = parseMessage(raw)
  if (!m) return
  const { message: name, guid, data } = m
  if (!str(name) || !(name as string).startsWith('epframe.') || !str(guid) || !data || typeof data != 'object') return
  const d = data as Record<string, unknown>
  const ok =
    name == 'epframe.resize' ? num(d['width']) && num(d['height'])
    : name == 'epframe.redirect' ? str(d['url'])
    : name == 'epframe.embedded_mode.check_validation_response' ? Object.values(d).every(str)
    : /^epframe\.(payment|card\.verify)\./.test(name as string) ? str(d['payment_id']) && str(d['status'])
    : true
  return ok ? (m as PageMessageLike) : undefined
}
