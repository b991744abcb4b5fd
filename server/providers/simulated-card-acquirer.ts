import { randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AcquirerResult, CardAcquirer } from '../domain/ports.ts'
import type { Sql } from '../storage/sql.ts'
import { testCardOutcome } from './test-cards.ts'

/** Options of the simulator; validated here so a bad value fails at boot. */
export type SimulatedAcquirerOptions = { latencyMs: number; timeoutMs: number }

/**
 * The test-mode card acquirer: answers by test card (SPEC §7) with latency, through the same
 * CardAcquirer interface a real acquirer adapter implements. It keeps its own records by
 * reference, like an external acquirer, so a repeated authorisation returns the first answer
 * and a status query after a crash or timeout tells what really happened.
 */
export function createSimulatedCardAcquirer(sql: Sql, options: SimulatedAcquirerOptions): CardAcquirer {
  if (!Number.isInteger(options.latencyMs) || options.latencyMs < 0) throw new Error('latencyMs must be >= 0')
  const recorded = async (reference: string): Promise<AcquirerResult | undefined> => {
    const rows = await sql.query<{ result: string }>('SELECT result FROM sim_card_authorisations WHERE reference = $1', [reference])
    return rows[0] ? (JSON.parse(rows[0].result) as AcquirerResult) : undefined
  }
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
        case 'challenge':
          result = { kind: 'approved', providerId, authCode: String(randomInt(100000, 999999)) }
          break
        case 'decline':
          result = { kind: 'declined', providerId, code: outcome.code, message: outcome.message }
          break
        case 'timeout':
          result = { kind: 'approved', providerId, authCode: String(randomInt(100000, 999999)) }
          break
      }
      await sql.query(
        'INSERT INTO sim_card_authorisations (reference, result) VALUES ($1, $2) ON CONFLICT (reference) DO NOTHING',
        [reference, JSON.stringify(result)],
      )
      if (outcome.kind === 'timeout') {
        // The acquirer acted but the answer never arrives: only a status query can tell.
        await sleep(options.timeoutMs)
        throw new Error('acquirer timed out')
      }
      return (await recorded(reference)) ?? result
    },
    status: recorded,
  }
}
