/**
 * The one BIN table: the page detects the scheme while the shopper types, the server names it in
 * callbacks (`account.type`), and both read it from here so they can never disagree.
 * Ranges are the schemes' published IIN ranges: Mastercard's 2-series is 2221–2720 (2220 is not
 * Mastercard), Mir is 2200–2204.
 */
export const CARD_BRANDS = ['visa', 'mastercard', 'mir', 'maestro', 'amex', 'unionpay', 'jcb'] as const
export type CardBrand = (typeof CARD_BRANDS)[number]

export type BrandRule = {
  brand: CardBrand
  /** Inclusive BIN prefix ranges; both ends have the same number of digits. */
  ranges: readonly (readonly [number, number])[]
  lengths: readonly number[]
  /** Positions (in digits) after which a space is shown while typing. */
  gaps: readonly number[]
  cvcLength: 3 | 4
}

const GAPS_4 = [4, 8, 12, 16] as const
const range = (from: number, to = from) => [from, to] as const

// No two ranges overlap, so the order is only for reading.
export const BRAND_RULES: readonly BrandRule[] = [
  { brand: 'visa', ranges: [range(4)], lengths: [13, 16, 19], gaps: GAPS_4, cvcLength: 3 },
  { brand: 'mir', ranges: [range(2200, 2204)], lengths: [16, 17, 18, 19], gaps: GAPS_4, cvcLength: 3 },
  { brand: 'mastercard', ranges: [range(51, 55), range(2221, 2720)], lengths: [16], gaps: GAPS_4, cvcLength: 3 },
  { brand: 'amex', ranges: [range(34), range(37)], lengths: [15], gaps: [4, 10], cvcLength: 4 },
  { brand: 'jcb', ranges: [range(3528, 3589)], lengths: [16, 17, 18, 19], gaps: GAPS_4, cvcLength: 3 },
  { brand: 'unionpay', ranges: [range(62)], lengths: [16, 17, 18, 19], gaps: GAPS_4, cvcLength: 3 },
  {
    brand: 'maestro',
    ranges: [range(50), range(56, 58), range(60, 61), range(63, 69)],
    lengths: [12, 13, 14, 15, 16, 17, 18, 19],
    gaps: GAPS_4,
    cvcLength: 3,
  },
]

function matches(digits: string, [from, to]: readonly [number, number]): boolean {
  const size = String(from).length
  if (digits.length < size) return false
  const prefix = Number(digits.slice(0, size))
  return prefix >= from && prefix <= to
}

/**
 * Card scheme from the BIN, as soon as enough digits are there to be sure (one for Visa, up to
 * four for Mir and JCB); `null` while it is still ambiguous or unknown.
 */
export function detectBrand(digits: string): CardBrand | null {
  if (!/^\d*$/.test(digits)) return null
  return BRAND_RULES.find((rule) => rule.ranges.some((r) => matches(digits, r)))?.brand ?? null
}
