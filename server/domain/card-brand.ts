/** Card scheme from the BIN, as ECommPay names it in callbacks (`account.type`). */
export function cardBrand(pan: string): string {
  if (/^4/.test(pan)) return 'visa'
  if (/^220[0-4]/.test(pan)) return 'mir'
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(pan)) return 'mastercard'
  if (/^3[47]/.test(pan)) return 'amex'
  if (/^35(2[89]|[3-8]\d)/.test(pan)) return 'jcb'
  if (/^62/.test(pan)) return 'unionpay'
  if (/^(5[06-9]|6\d)/.test(pan)) return 'maestro'
  return 'card'
}
