import { randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AcquirerResult, CardAcquirer } from '../domain/ports.ts'
import type { Sql } from '../storage/sql.ts'
import { testCardOutcome } from './test-cards.ts'

/** Options of the simulator; validated here so a bad value fails at boot. */
export type SimulatedAcquirerOptions = { latencyMs: number; timeoutMs: number; acsUrl: string }

/** What the shopper did on the simulated ACS page. */
export type ChallengeDecision = 'confirm' | 'fail' | 'cancel'

/** The simulated acquirer plus the hook its ACS page uses to record the shopper's decision. */
export type SimulatedCardAcquirer = CardAcquirer & {
  decideChallenge(reference: string, decision: ChallengeDecision): Promise<boolean>
}

/**
 * The test-mode card acquirer: answers by test card (SPEC §7) with latency, through the same
 * CardAcquirer interface a real acquirer adapter implements. It keeps its own records by
 * reference, like an external acquirer, so a repeated authorisation returns the first answer
 * and a status query after a crash, a timeout or a 3-D Secure challenge tells what happened.
 */
export function createSimulatedCardAcquirer(sql: Sql, options: SimulatedAcquirerOptions): SimulatedCardAcquirer {
  if (!Number.isInteger(options.latencyMs) || options.latencyMs < 0) throw new Error('latencyMs must be >= 0')
  const recorded = async (reference: string): Promise<AcquirerResult | undefined> => {
    const rows = await sql.query<{ result: string }>('SELECT result FROM sim_card_authorisations WHERE reference = $1', [reference])
    return rows[0] ? (JSON.parse(rows[0].result) as AcquirerResult) : undefined
  }
  const approved = (providerId: string): AcquirerResult => ({ kind: 'approved', providerId, authCode: String(randomInt(100000, 999999)) })
  return {
    async authorise({ reference, card }) {
      const known = await recorded(reference)
      if (known) return known
      if (options.latencyMs > 0) await sleep(options.latencyMs)
      const outcome = testCardOutcome(card.pan)
      const providerId = String(randomInt(1, 2 ** 47))
      let result: AcquirerResult
      switch (outcome.kind) {
        case 'approve':
        case 'timeout':
          result = approved(providerId)
          break
        case 'challenge':
          result = { kind: 'challenge', providerId, acsUrl: options.acsUrl }
          break
        case 'decline':
          result = { kind: 'declined', providerId, code: outcome.code, message: outcome.message }
          break
      }
      await sql.query(
        'INSERT INTO sim_card_authorisations (reference, result) VALUES ($1, $2) ON CONFLICT (reference) DO NOTHING',
        [reference, JSON.stringify(result)],
      )
      if (outcome.kind === 'timeout') {
        // The acquirer acted but its answer never arrives: only a status query can tell.
        await sleep(options.timeoutMs)
        throw new Error('acquirer timed out')
      }
      return (await recorded(reference)) ?? result
    },
    status: recorded,
    async abandon(reference) {
      const known = await recorded(reference)
      if (!known) {
        // Nothing recorded yet: record the decline first, so a late authorise finds it and
        // declines too, instead of approving a payment EPay has reported declined.
        const declined: AcquirerResult = { kind: 'declined', providerId: String(randomInt(1, 2 ** 47)), code: '30000', message: 'Not processed by the acquirer' }
        await sql.query('INSERT INTO sim_card_authorisations (reference, result) VALUES ($1, $2) ON CONFLICT (reference) DO NOTHING', [reference, JSON.stringify(declined)])
      } else if (known.kind === 'challenge') {
        await this.decideChallenge(reference, 'cancel')
      }
      return recorded(reference)
    },
    async decideChallenge(reference, decision) {
      const known = await recorded(reference)
      if (known?.kind !== 'challenge') return false
      const result: AcquirerResult =
        decision === 'confirm'
          ? approved(known.providerId)
          : { kind: 'declined', providerId: known.providerId, code: '20301', message: decision === 'fail' ? '3-D Secure authentication failed' : '3-D Secure authentication cancelled' }
      // Compare-and-set on the stored JSON: a second click (or a replayed form) decides nothing.
      const rows = await sql.query('UPDATE sim_card_authorisations SET result = $2 WHERE reference = $1 AND result = $3 RETURNING reference', [
        reference, JSON.stringify(result), JSON.stringify(known),
      ])
      return rows.length > 0
    },
  }
}
