/**
 * The issuing country of a card from its BIN, ISO 3166-1 alpha-2: the one place that knows it,
 * read by the server when a card is charged (the payment's country for the home screen, SPEC §14).
 * EPay has no licensed BIN database, so this holds the BINs of the simulator's published test
 * cards (server/providers/test-cards.ts) and of the bench's seeded cards; a live acquirer that
 * reports the issuer country would be read before this table. Longest prefix wins.
 */
export const BIN_COUNTRIES: Readonly<Record<string, string>> = {
  '424242': 'US',
  '555555': 'US',
  '220000': 'RU',
  '400000': 'GB',
  '411111': 'US',
  '520082': 'DE',
}

const PREFIX_LENGTHS = [...new Set(Object.keys(BIN_COUNTRIES).map((bin) => bin.length))].sort((a, b) => b - a)

/** The issuing country of the card whose number (or first digits) is `digits`, or `null` when unknown. */
export function binCountry(digits: string): string | null {
  for (const length of PREFIX_LENGTHS) {
    const country = digits.length >= length ? BIN_COUNTRIES[digits.slice(0, length)] : undefined
    if (country) return country
  }
  return null
}

/** An ISO 3166-1 alpha-2 code as stored: two capital Latin letters. */
export const COUNTRY_CODE = /^[A-Z]{2}$/
