import type { Payment } from '../domain/payment.ts'

/**
 * Where a shopper coming back from 3-D Secure or a wallet goes when the merchant started the
 * payment through the Gate: there is no EPay page they came from, so a final result sends them
 * straight to the merchant's `return_url` (`success` or `decline`), as ECommPay does. Undefined
 * while the result is pending or when the merchant gave no URL: EPay's page then shows it.
 */
export function merchantLanding(payment: Payment): string | undefined {
  if (payment.channel !== 'gate') return undefined
  switch (payment.status) {
    case 'success':
    case 'awaiting capture':
      return payment.successUrl
    case 'decline':
    case 'expired':
    case 'error':
      return payment.failUrl
    default:
      return undefined
  }
}
