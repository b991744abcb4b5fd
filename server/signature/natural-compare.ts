/**
 * Compares two strings the way PHP's `strnatcmp` does (what `ksort(SORT_NATURAL)` uses in
 * ECommPay's reference SDK): runs of digits compare by numeric value, everything else by
 * byte, so `errors:2` sorts before `errors:10`.
 * Hint: leading zeros make a longer run of equal value sort first by length, as in PHP.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0
  let j = 0
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i)
    const cb = b.charCodeAt(j)
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i
      let ej = j
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++
      const ra = a.slice(i, ei).replace(/^0+(?=\d)/, '')
      const rb = b.slice(j, ej).replace(/^0+(?=\d)/, '')
      if (ra.length !== rb.length) return ra.length - rb.length
      if (ra !== rb) return ra < rb ? -1 : 1
      const zeros = ei - i - (ej - j)
      if (zeros !== 0) return -zeros
      i = ei
      j = ej
      continue
    }
    if (ca !== cb) return ca - cb
    i++
    j++
  }
  return a.length - i - (b.length - j)
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57
}
