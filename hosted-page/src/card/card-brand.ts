export type CardBrand = 'visa' | 'mastercard' | 'mir' | 'maestro' | 'amex' | 'unionpay' | 'jcb'

type BrandRule = {
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

// Order matters only for readability: no two ranges overlap.
const RULES: readonly BrandRule[] = [
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

const FALLBACK = { lengths: [16, 17, 18, 19], gaps: GAPS_4, cvcLength: 3 } as const

function matches(digits: string, [from, to]: readonly [number, number]): boolean {
  const size = String(from).length
  if (digits.length < size) return false
  const prefix = Number(digits.slice(0, size))
  return prefix >= from && prefix <= to
}

function ruleFor(brand: CardBrand | null) {
  return RULES.find((r) => r.brand === brand) ?? FALLBACK
}

/**
 * Card scheme from the BIN, as soon as enough digits are typed to be sure (one for Visa, up
 * to four for Mir and JCB); `null` while it is still ambiguous or unknown.
 */
export function detectBrand(digits: string): CardBrand | null {
  return RULES.find((rule) => rule.ranges.some((r) => matches(digits, r)))?.brand ?? null
}

/** Number lengths the scheme issues; unknown schemes get the ISO/IEC 7812 16–19. */
export function panLengths(brand: CardBrand | null): readonly number[] {
  return ruleFor(brand).lengths
}

/** Longest number the scheme issues, to cap typing. */
export function maxPanLength(brand: CardBrand | null): number {
  return Math.max(...panLengths(brand))
}

/** Amex prints a 4-digit CID on the front; every other scheme a 3-digit code on the back. */
export function cvcLength(brand: CardBrand | null): 3 | 4 {
  return ruleFor(brand).cvcLength
}

/** Space positions of the scheme's printed grouping (Amex 4-6-5, others 4-4-4-4-3). */
export function panGaps(brand: CardBrand | null): readonly number[] {
  return ruleFor(brand).gaps
}

/** Display names: brands are proper nouns, the same in every language. */
export const BRAND_NAMES: Record<CardBrand, string> = {
  visa: 'Visa',
  mastercard: 'Mastercard',
  mir: 'Mir',
  maestro: 'Maestro',
  amex: 'American Express',
  unionpay: 'UnionPay',
  jcb: 'JCB',
}

/** The scheme a server names (saved cards: `visa`, `Mastercard`, `American Express`…); null when unknown. */
export function brandFromName(name: string): CardBrand | null {
  const wanted = name.toLowerCase().replace(/[\s_-]/g, '')
  const entry = Object.entries(BRAND_NAMES).find(
    ([brand, display]) => brand === wanted || display.toLowerCase().replace(/\s/g, '') === wanted,
  )
  return entry ? (entry[0] as CardBrand) : null
}
