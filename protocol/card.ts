/**
 * Tells whether a digit string passes the Luhn (mod 10) check every card number carries.
 * Hint: the page uses it to catch typos before a request, the server to refuse a number no
 * acquirer could take before an attempt is spent on it; it proves nothing about the card.
 */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}
