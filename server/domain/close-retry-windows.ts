import { RETRY_WINDOW_MS } from './callback-payload.ts'
import { PaymentError } from './errors.ts'
import { callbackFor } from './follow-up.ts'
import type { Clock, Ids, PaymentStore, Project } from './ports.ts'

/**
 * Ends the retry window of declined purchases (ECommPay's retry semantics, SPEC §8): a decline
 * with attempts left was reported `awaiting customer` with `is_new_attempts_available`; once
 * the window (or `best_before`) has passed, no attempt remains and the merchant gets the final
 * `decline` callback, written in the same transaction as the change (compare-and-set, so two
 * processes, or a shopper's last-second retry, never both win).
 * Hint: the status stays `decline` — the transition table is untouched; what changes is that
 * no attempt is left (`attempts = max_attempts`), which is what makes the decline final.
 */
export async function closeRetryWindows(deps: { payments: PaymentStore; clock: Clock; ids: Ids; project(id: number): Promise<Project | undefined> }): Promise<number> {
  const now = deps.clock.now()
  let closed = 0
  for (const payment of await deps.payments.retryWindowsEnded(new Date(now.getTime() - RETRY_WINDOW_MS), now, 100)) {
    const project = await deps.project(payment.projectId)
    const attempt = (await deps.payments.operations(payment.id)).filter((o) => o.type === 'sale' || o.type === 'auth').at(-1)
    if (!project || !attempt) continue
    const next = { ...payment, attempts: payment.maxAttempts, updatedAt: now }
    const callback = callbackFor(deps, project, next, attempt)
    try {
      await deps.payments.apply({ payment: next, expectedVersion: payment.version, ...(callback ? { callback } : {}) })
      closed++
    } catch (error) {
      if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
    }
  }
  return closed
}
