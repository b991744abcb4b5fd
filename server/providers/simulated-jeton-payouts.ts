import type { ProviderAnswer, WalletOperations } from '../domain/ports.ts'
import type { Sql } from '../storage/sql.ts'
import { simProviderRecords } from './sim-provider-records.ts'
import { jetonRule } from './simulated-jeton.ts'
import { DECLINES } from '../domain/decline-codes.ts'

/**
 * The simulated Jeton Wallet's server-to-server side: payouts to a wallet account with the
 * test-mode amount rules (SPEC §7: 40000 and 40400 decline; 20400 and 40400 carry the wallet
 * account number), and refunds of wallet sales, which always succeed.
 */
export function createSimulatedJetonPayouts(sql: Sql): WalletOperations {
  const records = simProviderRecords(sql)
  return {
    async refund({ reference }) {
      return (await records.find(reference)) ?? records.record(reference, 'refund', { kind: 'approved', providerId: `jt_${reference}` })
    },
    async payout({ reference, amount, account }) {
      const known = await records.find(reference)
      if (known) return known
      const rule = jetonRule(amount)
      const providerId = `jt_${reference}`
      const withAccount = rule.withAccount ? { account } : {}
      const answer: ProviderAnswer = rule.forceDecline
        ? { kind: 'declined', providerId, ...DECLINES.walletAccountUnavailable, ...withAccount }
        : { kind: 'approved', providerId, ...withAccount }
      return records.record(reference, 'payout', answer)
    },
    status: records.find,
  }
}
