import { detectBrand } from '../../protocol/card-brands.ts'

/** Card scheme from the BIN, as ECommPay names it in callbacks (`account.type`); the page's table. */
export function cardBrand(pan: string): string {
  return detectBrand(pan) ?? 'card'
}
