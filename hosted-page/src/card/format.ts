import { detectBrand, maxPanLength, panGaps } from './card-brand.ts'

/** Keeps the digits of a string (spaces, dashes and anything pasted with the number go). */
export function digitsOnly(value: string): string {
  return value.replace(/\D/g, '')
}

/** Groups a card number as the scheme prints it, capped at the scheme's longest length. */
export function formatCardNumber(value: string): string {
  const brand = detectBrand(digitsOnly(value))
  const digits = digitsOnly(value).slice(0, maxPanLength(brand))
  const gaps = panGaps(brand)
  let out = ''
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && gaps.includes(i)) out += ' '
    out += digits[i]
  }
  return out
}

/**
 * Formats expiry input as typed: `4` → `04`, `1226` → `12/26`.
 * Hint: no slash is appended after the month, so Backspace never fights the user.
 */
export function formatExpiry(value: string): string {
  let digits = digitsOnly(value)
  if (digits.length === 1 && digits > '1') digits = '0' + digits
  digits = digits.slice(0, 4)
  return digits.length > 2 ? `${digits.slice(0, 2)}/${digits.slice(2)}` : digits
}

/**
 * Where the caret goes after reformatting: after the same count of digits it followed before,
 * so editing in the middle of a number does not throw the caret to the end.
 */
export function caretAfterFormat(raw: string, caret: number, formatted: string): number {
  const digitsBefore = digitsOnly(raw.slice(0, caret)).length
  if (digitsBefore === 0) return 0
  let seen = 0
  for (let i = 0; i < formatted.length; i++) {
    if (/\d/.test(formatted[i]!) && ++seen === digitsBefore) return i + 1
  }
  return formatted.length
}
