import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import type { AcquirerResult, WalletProvider } from '../domain/ports.ts'
import type { Sql } from '../storage/sql.ts'
import { DECLINES } from '../domain/decline-codes.ts'

/** What the shopper chose on the simulated wallet page. */
export type WalletDecision = 'success' | 'decline'

/** The simulated Jeton Wallet plus the hooks its own pages use. */
export type SimulatedJeton = WalletProvider & {
  /** Records the shopper's choice; returns the URL to send them back to, or undefined if already decided. */
  decide(reference: string, decision: WalletDecision): Promise<string | undefined>
  /** Signs a notification body, as the wallet does for the merchant (EPay) to verify. */
  signNotification(body: string): string
  verifyNotification(body: string, signature: string): boolean
  amountOf(reference: string): Promise<{ amount: number; currency: string } | undefined>
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
export function createSimulatedJeton(sql: Sql, options: { pageUrl: string; secret: string }): SimulatedJeton {
  const row = async (reference: string) =>
    (await sql.query<{ amount: string | number; currency: string; return_url: string; result: string | null; account: string | null }>(
      'SELECT amount, currency, return_url, result, account FROM sim_wallet_payments WHERE reference = $1',
      [reference],
    ))[0]
  const mac = (body: string) => createHmac('sha256', options.secret).update(body).digest('hex')
  return {
    async start({ reference, amount, currency, returnUrl }) {
      await sql.query(
        'INSERT INTO sim_wallet_payments (reference, amount, currency, return_url) VALUES ($1, $2, $3, $4) ON CONFLICT (reference) DO NOTHING',
        [reference, amount, currency, returnUrl],
      )
      return { kind: 'redirect', providerId: `jt_${reference}`, redirect: { method: 'GET', url: `${options.pageUrl}?reference=${encodeURIComponent(reference)}` } }
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
    async decide(reference, decision) {
      const r = await row(reference)
      if (!r || r.result) return undefined
      const rule = jetonRule(Number(r.amount))
      const result = rule.forceDecline ? 'decline' : decision
      // A Jeton wallet account number is digits, as in ECommPay's examples (`24954373`).
      const account = rule.withAccount ? String(randomInt(10 ** 7, 10 ** 8 - 1)) : null
      const rows = await sql.query('UPDATE sim_wallet_payments SET result = $2, account = $3 WHERE reference = $1 AND result IS NULL RETURNING reference', [reference, result, account])
      return rows.length > 0 ? r.return_url : undefined
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
    async amountOf(reference) {
      const r = await row(reference)
      return r ? { amount: Number(r.amount), currency: r.currency } : undefined
    },
  }
}
