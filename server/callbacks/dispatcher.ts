import type { Clock } from '../domain/ports.ts'
import type { Logger } from '../logger.ts'
import type { ProjectStore } from '../domain/ports.ts'
import { callbackHeader, sign } from '../signature/signature.ts'
import type { Signable } from '../signature/string-to-sign.ts'
import type { ClaimedCallback, OutboxStore } from '../storage/outbox-store.ts'
import { nextAttemptAt } from './retry-schedule.ts'
import { sendCallback, type SendResult } from './send-callback.ts'

export type DispatcherDeps = {
  outbox: OutboxStore
  projects: ProjectStore
  clock: Clock
  logger: Logger
  allowLocal: boolean
  send?: typeof sendCallback
}

/** The lease on a claimed event: longer than one send (10 s timeout) plus signing. */
export const LEASE_MS = 30_000
/** Events claimed at once. */
const BATCH = 10
/**
 * Hand-offs sent at once per process. Past it, the store writes events unleased and a poll
 * claims them in batches: a burst of payments to a slow merchant must not open a socket and a
 * database write per payment at once, nor outlive its lease waiting for a slot.
 */
const HANDOFFS = 32

/**
 * Delivers due callbacks from the outbox: claim, sign with the project's current secret, POST,
 * then record the result. At-least-once: an event is marked delivered only after a 2xx, so a
 * crash mid-send means it is sent again when its lease ends — receivers dedupe on
 * `X-EPay-Event-Id`.
 * Hint: an event written already leased to this process (the payment store's hand-off) is sent
 * at once without a claim; if the process dies first, the lease runs out and any poll takes it.
 */
export function createDispatcher(deps: DispatcherDeps) {
  const send = deps.send ?? sendCallback
  let running: Promise<number> | undefined
  let again = false
  const handedOff = new Set<Promise<void>>()

  async function deliverOne(event: ClaimedCallback): Promise<void> {
    const project = await deps.projects.get(event.projectId)
    let result: SendResult
    if (!project?.secrets[0]) {
      result = { ok: false, error: 'failed', detail: 'project not found' }
    } else {
      const payload = JSON.parse(event.payload) as Record<string, Signable>
      const body = JSON.stringify({ ...payload, signature: sign(payload, project.secrets[0]) })
      const t = Math.floor(deps.clock.now().getTime() / 1000)
      result = await send(event.url, body, {
        'X-EPay-Signature': callbackHeader(body, project.secrets[0], t),
        'X-EPay-Event-Id': event.id,
      }, { allowLocal: deps.allowLocal })
    }
    const now = deps.clock.now()
    if (result.ok) {
      await deps.outbox.markDelivered(event.id, result.status, now)
      deps.logger.info('callback delivered', { event: event.id, status: result.status })
    } else {
      const next = nextAttemptAt(event.createdAt, event.attempts + 1, now)
      await deps.outbox.markFailed(event.id, { ...(result.status ? { httpStatus: result.status } : {}), error: result.error, next }, now)
      // The raw socket text goes to the operator's log only; the merchant sees the stable word.
      deps.logger.warn('callback failed', { event: event.id, status: result.status, error: result.error, detail: result.detail, retry: next?.toISOString() })
    }
  }

  async function runOnce(): Promise<number> {
    let delivered = 0
    for (;;) {
      const batch = await deps.outbox.claimDue(deps.clock.now(), LEASE_MS, BATCH)
      if (batch.length === 0) return delivered
      await Promise.all(batch.map((event) => deliverOne(event)))
      delivered += batch.length
      // A short batch was everything due at claim time: no empty claim to learn that. What fell
      // due since is the next pass's (the poll, or a resend's wake-up).
      if (batch.length < BATCH) return delivered
    }
  }

  /** Delivers everything due now; concurrent calls coalesce into one more pass. */
  function pass(): Promise<number> {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      let total = 0
      do {
        again = false
        total += await runOnce()
      } while (again)
      return total
    })().finally(() => {
      running = undefined
    })
    return running
  }
  const wake = () => {
    pass().catch((error: unknown) => deps.logger.error('callback dispatch failed', { error }))
  }

  return {
    /**
     * Waits for the hand-offs in flight, then delivers everything due now (tests, start-up).
     * The poll and a resend's wake-up run the pass alone: a slow merchant's hand-off must not
     * hold back other merchants' retries.
     */
    async tick(): Promise<number> {
      await Promise.all(handedOff)
      return pass()
    },
    /** Whether this process takes another event at commit (`handOff`) rather than leaving it to a poll. */
    takesHandOff(): boolean {
      return handedOff.size < HANDOFFS
    },
    /** Sends an event this process wrote with its lease already taken (no claim needed). */
    handOff(event: ClaimedCallback): void {
      const delivery: Promise<void> = deliverOne(event)
        .catch((error: unknown) => deps.logger.error('callback dispatch failed', { error, event: event.id }))
        .finally(() => handedOff.delete(delivery))
      handedOff.add(delivery)
    },
    /** Wakes the pass without waiting for hand-offs: an event fell due outside the store. */
    wake,
    /** Polls every `intervalMs` until the returned stop function is called. */
    start(intervalMs: number): () => Promise<void> {
      let stopped = false
      const timer = setInterval(() => {
        if (!stopped) wake()
      }, intervalMs)
      return async () => {
        stopped = true
        clearInterval(timer)
        await running?.catch(() => undefined)
        await Promise.all(handedOff)
      }
    },
  }
}
export type Dispatcher = ReturnType<typeof createDispatcher>
