import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * The simulators' short-lived signed references: minted with an attempt (the ACS transaction of a
 * 3-D Secure challenge, the wallet's checkout) and handed only to whoever sends the shopper there.
 * Hint: the ACS and wallet pages accept nothing else, so knowing an operation id, a `creq` or an
 * `MD` — all visible to the merchant — is not enough to decide a shopper's payment.
 */
export type SimTickets = {
  mint(reference: string, expiresAt: Date): string
  /** The reference a ticket was minted for, or undefined if it is forged, for another purpose or expired. */
  verify(ticket: string, now: Date): string | undefined
}

/** Tickets for one purpose (`acs`, `jeton`), signed with the simulator's own secret. */
export function simTickets(secret: string, purpose: string): SimTickets {
  if (secret.length < 16) throw new Error('the simulator secret is too short')
  const mac = (reference: string, exp: number) =>
    createHmac('sha256', secret).update(`${purpose}\n${reference}\n${exp}`).digest('base64url')
  return {
    mint(reference, expiresAt) {
      const exp = Math.floor(expiresAt.getTime() / 1000)
      return `${reference}.${exp}.${mac(reference, exp)}`
    },
    verify(ticket, now) {
      const match = /^(\d{1,20})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(ticket)
      if (!match) return undefined
      const [, reference, expText, given] = match as unknown as [string, string, string, string]
      const exp = Number(expText)
      const expected = Buffer.from(mac(reference, exp))
      // Timing-safe: the MAC must not be guessable byte by byte from response times.
      if (!timingSafeEqual(expected, Buffer.from(given))) return undefined
      return exp * 1000 > now.getTime() ? reference : undefined
    },
  }
}
