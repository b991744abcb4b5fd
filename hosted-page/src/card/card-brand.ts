import type { Translate } from '../i18n/translate.ts'
import { BRAND_RULES, detectBrand, type CardBrand } from '../../../protocol/card-brands.ts'

export { detectBrand, type CardBrand }

const FALLBACK = { lengths: [16, 17, 18, 19], gaps: [4, 8, 12, 16], cvcLength: 3 } as const

function ruleFor(brand: CardBrand | null) {
  return BRAND_RULES.find((r) => r.brand === brand) ?? FALLBACK
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

/** The scheme's name as the shopper reads it: Mir is «Мир» in Cyrillic-script languages. */
export function brandLabel(brand: CardBrand, t: Translate): string {
  return brand === 'mir' ? t('brand_mir') : BRAND_NAMES[brand]
}

/** The scheme a server names (saved cards: `visa`, `Mastercard`, `American Express`…); null when unknown. */
export function brandFromName(name: string): CardBrand | null {
  const wanted = name.toLowerCase().replace(/[\s_-]/g, '')
  const entry = Object.entries(BRAND_NAMES).find(
    ([brand, display]) => brand === wanted || display.toLowerCase().replace(/\s/g, '') === wanted,
  )
  return entry ? (entry[0] as CardBrand) : null
}
