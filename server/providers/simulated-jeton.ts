import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import type { AcquirerResult, Clock, WalletProvider } from '../domain/ports.ts'
import type { Sql } from '../storage/sql.ts'
import { DECLINES } from '../domain/decline-codes.ts'
import { simTickets } from './sim-ticket.ts'

/** What the shopper chose on the simulated wallet page. */
export type WalletDecision = 'success' | 'decline'

/** What the simulated wallet page shows, found by its ticket. */
export type WalletView = {
  reference: string
  amount: number
  currency: string
  merchant: string
  language: string | undefined
  /** Decided already (by the shopper, the amount rules or EPay giving up): only the way back remains. */
  decided: boolean
  returnUrl: string
}

/** The simulated Jeton Wallet plus the hooks its own pages use; each takes the page's ticket, never a bare reference. */
export type SimulatedJeton = WalletProvider & {
  page(ticket: string): Promise<WalletView | undefined>
  /**
   * Records the shopper's choice once. Returns where to send them back (also when it was decided
   * before, so a second click only returns), or undefined for a ticket that is not valid.
   */
  decide(ticket: string, decision: WalletDecision): Promise<{ returnUrl: string; reference: string; changed: boolean } | undefined>
  /** Signs a notification body, as the wallet does for the merchant (EPay) to verify. */
  signNotification(body: string): string
  verifyNotification(body: string, signature: string): boolean
}

/**
 * Jeton's test-mode amount rules (SPEC §7, as ECommPay's test mode): 40000 and 40400 decline
 * whatever the shopper does; 20400 and 40400 carry the wallet account number.
 */
export function jetonRule(amount: number): { forceDecline: boolean; withAccount: boolean } {
  return { forceDecline: amount === 40000 || amount === 40400, withAccount: amount === 20400 || amount === 40400 }
}

/**
 * A stand-in for the Jeton Wallet: keeps its own records (like the real wallet would), shows a
 * page with Success/Decline buttons, and answers status queries from those records.
 */
export function createSimulatedJeton(sql: Sql, options: { pageUrl: string; secret: string; clock: Clock; pageTtlMs: number }): SimulatedJeton {
  if (!Number.isInteger(options.pageTtlMs) || options.pageTtlMs <= 0) throw new Error('pageTtlMs must be > 0')
  // A key of their own for the page tickets, apart from the notification MAC's.
  const tickets = simTickets(createHmac('sha256', options.secret).update('page tickets').digest('base64url'), 'jeton')
  const row = async (reference: string) =>
    (await sql.query<{ amount: string | number; currency: string; return_url: string; result: string | null; account: string | null; shown: string | null }>(
      'SELECT amount, currency, return_url, result, account, shown FROM sim_wallet_payments WHERE reference = $1',
      [reference],
    ))[0]
  const mac = (body: string) => createHmac('sha256', options.secret).update(body).digest('hex')
  return {
    async start({ reference, amount, currency, returnUrl, shopper }) {
      await sql.query(
        'INSERT INTO sim_wallet_payments (reference, amount, currency, return_url, shown) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (reference) DO NOTHING',
        [reference, amount, currency, returnUrl, JSON.stringify({ merchant: shopper.merchant, language: shopper.language })],
      )
      // The checkout's own address, with a ticket that expires when EPay would give up on it.
      const ticket = tickets.mint(reference, new Date(options.clock.now().getTime() + options.pageTtlMs))
      return { kind: 'redirect', providerId: `jt_${reference}`, redirect: { method: 'GET', url: `${options.pageUrl}/${ticket}` } }
    },
    async status(reference): Promise<AcquirerResult | undefined> {
      const r = await row(reference)
      if (!r) return undefined
      const providerId = `jt_${reference}`
      const account = r.account ?? undefined
      if (r.result === 'success') return { kind: 'approved', providerId, authCode: reference.slice(-6), ...(account ? { account } : {}) }
      if (r.result === 'decline') return { kind: 'declined', providerId, ...DECLINES.walletAccountUnavailable, ...(account ? { account } : {}) }
      return { kind: 'pending', providerId }
    },
    async page(ticket) {
      const reference = tickets.verify(ticket, options.clock.now())
      const r = reference ? await row(reference) : undefined
      if (!reference || !r) return undefined
      const shown = r.shown ? (JSON.parse(r.shown) as { merchant: string; language?: string }) : { merchant: '' }
      return { reference, amount: Number(r.amount), currency: r.currency, merchant: shown.merchant, language: shown.language, decided: r.result !== null, returnUrl: r.return_url }
    },
    async decide(ticket, decision) {
      const reference = tickets.verify(ticket, options.clock.now())
      const r = reference ? await row(reference) : undefined
      if (!reference || !r) return undefined
      if (r.result) return { returnUrl: r.return_url, reference, changed: false }
      const rule = jetonRule(Number(r.amount))
      const result = rule.forceDecline ? 'decline' : decision
      // A Jeton wallet account number is digits, as in ECommPay's examples (`24954373`).
      const account = rule.withAccount ? String(randomInt(10 ** 7, 10 ** 8 - 1)) : null
      const rows = await sql.query('UPDATE sim_wallet_payments SET result = $2, account = $3 WHERE reference = $1 AND result IS NULL RETURNING reference', [reference, result, account])
      return { returnUrl: r.return_url, reference, changed: rows.length > 0 }
    },
    async abandon(reference) {
      // Only an undecided payment ends as declined; a decision the shopper made first stands.
      await sql.query("UPDATE sim_wallet_payments SET result = 'decline' WHERE reference = $1 AND result IS NULL", [reference])
      return this.status(reference)
    },
    signNotification: mac,
    verifyNotification(body, signature) {
      const expected = Buffer.from(mac(body))
      const given = Buffer.from(signature)
      return expected.length === given.length && timingSafeEqual(expected, given)
    },
  }
}
