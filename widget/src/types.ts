// Public types of the widget for ES-module and TypeScript users. Self-contained on purpose:
// they ship without valibot; test/widget/types.test.ts checks them against protocol/messages.ts.

/** Payload of `onResize`: the payment page's content size in CSS pixels. */
export type ResizeData = { width: number; height: number }

/** Payload of payment events: never card data; confirm a payment only from the callback or the status API. */
export type PaymentEventData = { payment_id: string; status: string }

/** Payload of `onRedirect`: where the payment page wants the shopper to go. */
export type RedirectData = { url: string }

/** Payload of events that carry nothing (`onLoaded`, `onExit`, `onDestroy`, `onFailLoading`). */
export type EmptyData = Record<string, never>

/** Callbacks named by ECommPay's rule: the page's `epframe.payment.success` fires `onPaymentSuccess`. */
export type WidgetCallbacks = {
  onLoaded?: (data: EmptyData) => void
  onResize?: (data: ResizeData) => void
  /** The shopper closed the widget (close button, Esc, backdrop, or the page's own exit). */
  onExit?: (data: EmptyData) => void
  /** The widget's elements are gone; fires after `onExit`. */
  onDestroy?: (data: EmptyData) => void
  onPaymentSent?: (data: PaymentEventData) => void
  onPaymentSuccess?: (data: PaymentEventData) => void
  onPaymentFail?: (data: PaymentEventData) => void
  /** Never fires on EPay: `mode=card_verify` is refused (docs/embedding.md); kept so ECommPay pages type-check. */
  onCardVerifySuccess?: (data: PaymentEventData) => void
  /** Never fires on EPay, as `onCardVerifySuccess`. */
  onCardVerifyFail?: (data: PaymentEventData) => void
  /** When given, the widget leaves navigation to it instead of following the URL itself. */
  onRedirect?: (data: RedirectData) => void
  /** No `epframe.loaded` within 15 s (ECommPay's `fail_loading`). */
  onFailLoading?: (data: EmptyData) => void
  /** Embedded mode: the page's answer to a validation request, field → message (empty when valid). */
  onEmbeddedModeCheckValidationResponse?: (errors: ValidationErrors) => void
  /** Embedded mode, after `trySubmit()`: the form has errors (also shown in the form). */
  onValidationError?: (errors: ValidationErrors) => void
  /**
   * Embedded mode, after `trySubmit()` found the form valid: call `resolve()` to pay, `reject()`
   * to stay. Without it the payment starts at once. `additional_parameters` are refused.
   */
  onCheckSubmit?: (data: ValidationErrors, resolve: (answer?: { additional_parameters?: Record<string, unknown> }) => void, reject: () => void) => void
}

/** Field name → message in the shopper's language, e.g. `{ number: 'Enter the card number' }`. */
export type ValidationErrors = Record<string, string>

/**
 * What `EPayWidget.run()` takes: the merchant's signed payment parameters, sent to EPay
 * unchanged (as strings), plus `baseUrl`, `on*` callbacks and an element `target_element`,
 * which stay in the browser.
 */
export type WidgetConfig = WidgetCallbacks & {
  project_id: string | number
  payment_id: string
  payment_amount: string | number
  payment_currency: string
  signature: string
  /** EPay's URL; defaults to the origin merchant.js (or merchant.mjs) was loaded from. */
  baseUrl?: string
  /** Inline mode: the element, or its id, that receives the iframe (an id is also sent, as ECommPay signs it). */
  target_element?: string | Element
  /** Full-page redirect instead of a frame; `redirect_on_mobile` only below 768 px. */
  redirect?: boolean | string | number
  redirect_on_mobile?: boolean | string | number
  /** Closes the modal on a click outside the dialog. */
  close_on_missclick?: boolean | string | number
  [param: string]: unknown
}

/** A widget on the page. */
export type WidgetInstance = {
  /** Opens the payment page (modal, inline or redirect, as configured); does nothing when open. */
  open(): WidgetInstance
  /**
   * Closes the widget: fires `onExit`, then `onDestroy`; harmless when closed. While a payment
   * is processing the frame only goes out of sight: its result still fires `onPaymentSuccess` /
   * `onPaymentFail`, then `onDestroy`.
   */
  close(): void
  /** Removes every element and listener the widget added and fires `onDestroy`, without `onExit`. */
  destroy(): void
  /** ECommPay's name for `close()`. */
  closePopup(): void
  /** Embedded mode: validates the page's form and, when valid (and `onCheckSubmit` agrees), pays. */
  trySubmit(): void
}

/** `GET` puts the parameters in the iframe URL; `POST` submits them as a form into it. */
export type WidgetMethod = 'GET' | 'POST' | 'get' | 'post'

/** The `window.EPayWidget` global that merchant.js defines. */
export type EPayWidgetApi = {
  run(config: WidgetConfig, method?: WidgetMethod): WidgetInstance
  create(config: WidgetConfig, method?: WidgetMethod): WidgetInstance
  bind(buttonId: string, config: WidgetConfig, method?: WidgetMethod): void
  /** ECommPay's embedded mode: `run()` inline in `target_element` (required), paid through `trySubmit()`. */
  runEmbedded(config: WidgetConfig, method?: WidgetMethod): WidgetInstance
  /** Closes the widget opened last. */
  closePopup(): void
}
