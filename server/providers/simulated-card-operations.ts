import { randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { CardOperations, ProviderFollowUp, ProviderAnswer } from '../domain/ports.ts'
import type { Sql } from '../storage/sql.ts'
import { simProviderRecords } from './sim-provider-records.ts'
import { testCardOutcome } from './test-cards.ts'

/**
 * The simulated acquirer's capture, void, refund and card payout (SPEC §7). Follow-ups on an
 * authorisation it holds always succeed, as a test acquirer's do; payouts answer by test card:
 * the decline cards decline, the timeout card acts but never answers (a status query tells).
 */
export function createSimulatedCardOperations(sql: Sql, options: { latencyMs: number; timeoutMs: number }): CardOperations {
  if (!Number.isInteger(options.latencyMs) || options.latencyMs < 0) throw new Error('latencyMs must be >= 0')
  const records = simProviderRecords(sql)
  const providerId = () => String(randomInt(1, 2 ** 47))
  const followUp = (kind: string) => async (request: ProviderFollowUp): Promise<ProviderAnswer> => {
    const known = await records.find(request.reference)
    if (known) return known
    if (options.latencyMs > 0) await sleep(options.latencyMs)
    return records.record(request.reference, kind, { kind: 'approved', providerId: providerId() })
  }
  return {
    capture: followUp('capture'),
    cancel: followUp('cancel'),
    refund: followUp('refund'),
    async payout({ reference, card }) {
      const known = await records.find(reference)
      if (known) return known
      if (options.latencyMs > 0) await sleep(options.latencyMs)
      const outcome = testCardOutcome(card.pan)
      const answer: ProviderAnswer = outcome.kind === 'decline'
        ? { kind: 'declined', providerId: providerId(), code: outcome.code, message: outcome.message }
        : { kind: 'approved', providerId: providerId() }
      const stored = await records.record(reference, 'payout', answer)
      if (outcome.kind === 'timeout') {
        await sleep(options.timeoutMs)
        throw new Error('acquirer timed out')
      }
      return stored
    },
    status: records.find,
  }
}
