/** Payload of `onResize`. */
export type ResizeData = { width: number; height: number }
/** Payload of payment events: never card data; confirm payments from callbacks or the status API. */
export type PaymentEventData = { payment_id: string; status: string }

/** Callbacks of the ECommPay naming rule: `epframe.payment.success` → `onPaymentSuccess`. */
export type WidgetCallbacks = {
  onLoaded?: (data: Record<string, never>) => void
  onResize?: (data: ResizeData) => void
  onExit?: (data: Record<string, never>) => void
  onDestroy?: (data: Record<string, never>) => void
  onPaymentSent?: (data: PaymentEventData) => void
  onPaymentSuccess?: (data: PaymentEventData) => void
  onPaymentFail?: (data: PaymentEventData) => void
  onCardVerifySuccess?: (data: PaymentEventData) => void
  onCardVerifyFail?: (data: PaymentEventData) => void
  onRedirect?: (data: { url: string }) => void
  onFailLoading?: (data: Record<string, never>) => void
}

/**
 * What `EPayWidget.run()` takes: the merchant's signed payment parameters, passed to EPay
 * unchanged, plus `baseUrl` and callbacks, which stay in the browser.
 */
export type WidgetConfig = WidgetCallbacks & {
  project_id: string | number
  payment_id: string
  payment_amount: string | number
  payment_currency: string
  signature: string
  /** EPay's origin; defaults to the origin the script was loaded from. */
  baseUrl?: string
  /** Inline mode: the element (or its id) that receives the iframe. */
  target_element?: string | Element
  [param: string]: unknown
}

/** A widget on the page. */
export type WidgetInstance = {
  /** Opens the payment page (modal, inline or redirect, as configured). */
  open(): WidgetInstance
  /** Closes the page and fires `onExit`, then `onDestroy`. */
  close(): void
  /** Removes every element and listener the widget added. */
  destroy(): void
}

/** `GET` puts the parameters in the iframe URL; `POST` submits them as a form into it. */
export type WidgetMethod = 'GET' | 'POST' | 'get' | 'post'
