export type Expiry = { month: number; year: number }

/** Reads `MM/YY` (also `MM / YY`, `MMYY`, `MM/YYYY`) into a month and a 4-digit year. */
export function parseExpiry(value: string): Expiry | null {
  const m = /^\s*(\d{2})\s*\/?\s*(\d{2}|\d{4})\s*$/.exec(value)
  if (!m) return null
  const month = Number(m[1])
  const year = m[2]!.length === 2 ? 2000 + Number(m[2]) : Number(m[2])
  if (month < 1 || month > 12) return null
  return { month, year }
}

/** A card is valid through the last day of its expiry month, so only earlier months are past. */
export function isExpiryInPast(expiry: Expiry, now: Date): boolean {
  const year = now.getFullYear()
  return expiry.year < year || (expiry.year === year && expiry.month < now.getMonth() + 1)
}

/** Cards are not issued for more than 20 years; a later date is a typo. */
export function isExpiryTooFar(expiry: Expiry, now: Date): boolean {
  return expiry.year > now.getFullYear() + 20
}
