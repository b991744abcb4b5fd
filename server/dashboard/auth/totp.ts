import { Secret, TOTP } from 'otpauth'
import QRCode from 'qrcode'

/** RFC 6238 as authenticator apps use it: SHA-1, 6 digits, 30-second steps. */
const PERIOD_S = 30

function totpFor(secretBase32: string, label: string): TOTP {
  return new TOTP({ issuer: 'EPay', label, algorithm: 'SHA1', digits: 6, period: PERIOD_S, secret: Secret.fromBase32(secretBase32) })
}

/** A fresh 160-bit TOTP secret (RFC 4226 §4 recommends 160 bits), base32 as apps take it. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32
}

/** The otpauth:// URI and its QR code as SVG, drawn on the server so the dashboard bundle carries no QR encoder. */
export async function totpEnrolment(secretBase32: string, email: string): Promise<{ uri: string; qrSvg: string }> {
  const uri = totpFor(secretBase32, email).toString()
  const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, color: { dark: '#111827', light: '#ffffff' } })
  return { uri, qrSvg }
}

/**
 * Checks a code against the secret at `now`, allowing one step of clock drift either way, and
 * returns the time step it matched, or undefined. A step at or before `lastStep` is refused:
 * each code is good once (RFC 6238 §5.2), so a code seen over a shoulder cannot be replayed.
 */
export function matchTotp(secretBase32: string, code: string, now: Date, lastStep: number | null): number | undefined {
  const delta = totpFor(secretBase32, 'x').validate({ token: code, timestamp: now.getTime(), window: 1 })
  if (delta === null) return undefined
  const step = Math.floor(now.getTime() / 1000 / PERIOD_S) + delta
  if (lastStep !== null && step <= lastStep) return undefined
  return step
}

/** The current code, for tests and the CLI's checks. */
export function totpCode(secretBase32: string, now: Date): string {
  return totpFor(secretBase32, 'x').generate({ timestamp: now.getTime() })
}
