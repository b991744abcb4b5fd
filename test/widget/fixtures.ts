import type { WidgetConfig } from '../../widget/src/types.ts'

/** EPay's origin in the widget tests; the jsdom page itself is http://localhost:3000. */
export const EPAY = 'https://epay.example'

/**
 * Signed parameters as a merchant passes them: numbers, a boolean, a null, and values that
 * need URL encoding. None of them may change on the way to EPay.
 */
export function signedParams(): Record<string, string | number | boolean | null> {
  return {
    project_id: 42,
    payment_id: 'order-1001',
    payment_amount: 1999,
    payment_currency: 'EUR',
    customer_id: 'cust 7+8',
    language_code: 'en',
    payment_description: 'Tea & cake = 2 × 9,99 € / 100% "fresh"?#',
    force_payment_method: 'card',
    card_operation_type: 'sale',
    best_before: '2030-01-01T00:00:00+00:00',
    merchant_data: null,
    hide_saved: true,
    signature: 'aB+/cd==',
  }
}

/** What EPay must receive for `signedParams()`: every value as the same string. */
export const SIGNED_AS_SENT: Record<string, string> = {
  project_id: '42',
  payment_id: 'order-1001',
  payment_amount: '1999',
  payment_currency: 'EUR',
  customer_id: 'cust 7+8',
  language_code: 'en',
  payment_description: 'Tea & cake = 2 × 9,99 € / 100% "fresh"?#',
  force_payment_method: 'card',
  card_operation_type: 'sale',
  best_before: '2030-01-01T00:00:00+00:00',
  merchant_data: '',
  hide_saved: 'true',
  signature: 'aB+/cd==',
}

/** A widget config for EPay at `EPAY` with the signed parameters and `extra`. */
export function aConfig(extra: Partial<WidgetConfig> = {}): WidgetConfig {
  return { ...(signedParams() as WidgetConfig), baseUrl: EPAY, ...extra }
}

/** Page messages the protocol defines, as the hosted page sends them. */
export const VALID_MESSAGES = [
  { message: 'epframe.loaded', guid: 'g', data: {} },
  { message: 'epframe.resize', guid: 'g', data: { width: 400, height: 612.5 } },
  { message: 'epframe.payment.sent', guid: 'g', data: { payment_id: 'order-1001', status: 'processing' } },
  { message: 'epframe.payment.success', guid: 'g', data: { payment_id: 'order-1001', status: 'success' } },
  { message: 'epframe.payment.fail', guid: 'g', data: { payment_id: 'order-1001', status: 'decline' } },
  { message: 'epframe.card.verify.success', guid: 'g', data: { payment_id: 'verify-1', status: 'success' } },
  { message: 'epframe.card.verify.fail', guid: 'g', data: { payment_id: 'verify-1', status: 'decline' } },
  { message: 'epframe.exit', guid: 'g', data: {} },
  { message: 'epframe.redirect', guid: 'g', data: { url: 'https://shop.example/thanks' } },
  { message: 'epframe.escape', guid: 'g', data: {} },
  { message: 'epframe.embedded_mode.check_validation_response', guid: 'g', data: {} },
  { message: 'epframe.embedded_mode.check_validation_response', guid: 'g', data: { number: 'Enter the card number' } },
  // Extra keys are allowed by both guards, as valibot's v.object() allows them.
  { message: 'epframe.loaded', guid: 'g', data: { extra: 1 }, extra: true },
]

/** Shapes both the widget's guard and the protocol's schema reject. */
export const MALFORMED_MESSAGES: unknown[] = [
  null,
  undefined,
  42,
  'epframe.loaded',
  '{"message":"epframe.loaded"',
  [],
  {},
  { message: 'epframe.loaded', guid: 'g' },
  { message: 'epframe.loaded', guid: 'g', data: null },
  { message: 'epframe.loaded', guid: 'g', data: 'x' },
  { message: 'epframe.loaded', guid: 7, data: {} },
  { message: 'epframe.loaded', data: {} },
  { message: 42, guid: 'g', data: {} },
  { message: 'loaded', guid: 'g', data: {} },
  { message: 'EPFRAME.loaded', guid: 'g', data: {} },
  { message: 'epframe.resize', guid: 'g', data: {} },
  { message: 'epframe.resize', guid: 'g', data: { width: 400, height: '600' } },
  { message: 'epframe.resize', guid: 'g', data: { width: 400, height: Number.NaN } },
  { message: 'epframe.payment.success', guid: 'g', data: {} },
  { message: 'epframe.payment.success', guid: 'g', data: { payment_id: 'order-1001' } },
  { message: 'epframe.payment.fail', guid: 'g', data: { payment_id: 1, status: 'decline' } },
  { message: 'epframe.card.verify.success', guid: 'g', data: {} },
  { message: 'epframe.card.verify.fail', guid: 'g', data: { status: 'decline' } },
  { message: 'epframe.redirect', guid: 'g', data: {} },
  { message: 'epframe.redirect', guid: 'g', data: { url: 42 } },
  { message: 'epframe.embedded_mode.check_validation_response', guid: 'g', data: { number: 1 } },
  { message: 'epframe.embedded_mode.check_validation_response', guid: 'g', data: 'invalid' },
]
