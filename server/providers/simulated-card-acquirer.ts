import { randomInt } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { AcquirerResult, CardAcquirer, Clock } from '../domain/ports.ts'
import type { Sql } from '../storage/sql.ts'
import { simTickets } from './sim-ticket.ts'
import { testCardOutcome } from './test-cards.ts'

/** Options of the simulator; validated here so a bad value fails at boot. */
export type SimulatedAcquirerOptions = {
  latencyMs: number
  timeoutMs: number
  /** The ACS base URL; each challenge gets its own address under it, carrying a signed ticket. */
  acsUrl: string
  /** The simulator's own secret, for its ACS tickets. */
  secret: string
  clock: Clock
  /** How long a challenge's ACS address stays valid (EPay gives up on the challenge then too). */
  challengeTtlMs: number
}

/** What the shopper did on the simulated ACS page. */
export type ChallengeDecision = 'confirm' | 'fail' | 'cancel'

/** What the simulated ACS page shows: what an issuer learns from the authentication request. */
export type ChallengeView = {
  reference: string
  merchant: string
  amount: number
  currency: string
  last4: string
  language: string | undefined
  /** The shopper has decided (or EPay gave up): only the way back remains. */
  decided: boolean
  /** Where to send the shopper back, as the requestor posted it to the ACS (`MD`, `TermUrl`). */
  back: { md: string; termUrl: string } | undefined
}

/** The simulated acquirer plus the hooks its own ACS pages use; each takes the ACS ticket, never a bare reference. */
export type SimulatedCardAcquirer = CardAcquirer & {
  challenge(ticket: string): Promise<ChallengeView | undefined>
  /** Records where the shopper returns to (the requestor's `MD` and `TermUrl`); false for an unknown or expired ticket. */
  enterChallenge(ticket: string, back: { md: string; termUrl: string }): Promise<boolean>
  /** Records the shopper's decision once; false if the ticket is not valid or the challenge was already decided. */
  decideChallenge(ticket: string, decision: ChallengeDecision): Promise<boolean>
}

type Row = { result: string; challenge: string | null; acs_return: string | null }

/**
 * The test-mode card acquirer: answers by test card (SPEC §7) with latency, through the same
 * CardAcquirer interface a real acquirer adapter implements. It keeps its own records by
 * reference, like an external acquirer, so a repeated authorisation returns the first answer
 * and a status query after a crash, a timeout or a 3-D Secure challenge tells what happened.
 */
export function createSimulatedCardAcquirer(sql: Sql, options: SimulatedAcquirerOptions): SimulatedCardAcquirer {
  if (!Number.isInteger(options.latencyMs) || options.latencyMs < 0) throw new Error('latencyMs must be >= 0')
  if (!Number.isInteger(options.challengeTtlMs) || options.challengeTtlMs <= 0) throw new Error('challengeTtlMs must be > 0')
  const tickets = simTickets(options.secret, 'acs')
  const row = async (reference: string): Promise<Row | undefined> =>
    (await sql.query<Row>('SELECT result, challenge, acs_return FROM sim_card_authorisations WHERE reference = $1', [reference]))[0]
  const recorded = async (reference: string): Promise<AcquirerResult | undefined> => {
    const found = await row(reference)
    return found ? (JSON.parse(found.result) as AcquirerResult) : undefined
  }
  const approved = (providerId: string): AcquirerResult => ({ kind: 'approved', providerId, authCode: String(randomInt(100000, 999999)) })
  // Compare-and-set on the stored JSON: a second click (or a replayed form) decides nothing.
  const decide = async (reference: string, decision: ChallengeDecision): Promise<boolean> => {
    const known = await recorded(reference)
    if (known?.kind !== 'challenge') return false
    const result: AcquirerResult =
      decision === 'confirm'
        ? approved(known.providerId)
        : { kind: 'declined', providerId: known.providerId, code: '20301', message: decision === 'fail' ? '3-D Secure authentication failed' : '3-D Secure authentication cancelled' }
    const rows = await sql.query('UPDATE sim_card_authorisations SET result = $2 WHERE reference = $1 AND result = $3 RETURNING reference', [
      reference, JSON.stringify(result), JSON.stringify(known),
    ])
    return rows.length > 0
  }
  const ticketReference = (ticket: string) => tickets.verify(ticket, options.clock.now())
  return {
    async authorise({ reference, amount, currency, card, shopper }) {
      if (options.latencyMs > 0) await sleep(options.latencyMs)
      const outcome = testCardOutcome(card.pan)
      const providerId = String(randomInt(1, 2 ** 47))
      let result: AcquirerResult
      let challenge: string | null = null
      switch (outcome.kind) {
        case 'approve':
        case 'timeout':
          result = approved(providerId)
          break
        case 'challenge': {
          // The ACS address is this challenge's own, with a ticket that expires with it.
          const ticket = tickets.mint(reference, new Date(options.clock.now().getTime() + options.challengeTtlMs))
          result = { kind: 'challenge', providerId, acsUrl: `${options.acsUrl}/${ticket}` }
          challenge = JSON.stringify({ merchant: shopper.merchant, amount, currency, last4: card.pan.slice(-4), language: shopper.language })
          break
        }
        case 'decline':
          result = { kind: 'declined', providerId, code: outcome.code, message: outcome.message }
          break
      }
      // Record-or-read in one statement: a repeated reference gets the first answer, whatever
      // this call drew. The read half sees the statement's snapshot, so a concurrent first
      // record committed after it shows up in neither half; the plain read then finds it.
      const [stored] = await sql.query<{ inserted: boolean; result: string }>(
        `WITH inserted AS (INSERT INTO sim_card_authorisations (reference, result, challenge) VALUES ($1, $2, $3)
           ON CONFLICT (reference) DO NOTHING RETURNING result)
         SELECT true AS inserted, result FROM inserted
         UNION ALL
         SELECT false AS inserted, result FROM sim_card_authorisations WHERE reference = $1 AND NOT EXISTS (SELECT 1 FROM inserted)`,
        [reference, JSON.stringify(result), challenge],
      )
      if (!stored) return (await recorded(reference)) ?? result
      if (!stored.inserted) return JSON.parse(stored.result) as AcquirerResult
      if (outcome.kind === 'timeout') {
        // The acquirer acted but its answer never arrives: only a status query can tell.
        await sleep(options.timeoutMs)
        throw new Error('acquirer timed out')
      }
      return result
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
        await decide(reference, 'cancel')
      }
      return recorded(reference)
    },
    async challenge(ticket) {
      const reference = ticketReference(ticket)
      const found = reference ? await row(reference) : undefined
      if (!reference || !found?.challenge) return undefined
      const shown = JSON.parse(found.challenge) as Omit<ChallengeView, 'reference' | 'decided' | 'back'>
      const back = found.acs_return ? (JSON.parse(found.acs_return) as { md: string; termUrl: string }) : undefined
      return { ...shown, reference, decided: (JSON.parse(found.result) as AcquirerResult).kind !== 'challenge', back }
    },
    async enterChallenge(ticket, back) {
      const reference = ticketReference(ticket)
      if (!reference) return false
      const rows = await sql.query('UPDATE sim_card_authorisations SET acs_return = $2 WHERE reference = $1 AND challenge IS NOT NULL RETURNING reference', [
        reference, JSON.stringify(back),
      ])
      return rows.length > 0
    },
    async decideChallenge(ticket, decision) {
      const reference = ticketReference(ticket)
      return reference ? decide(reference, decision) : false
    },
  }
}
