import type { Sql } from '../../storage/sql.ts'
import { recordNotificationEvent } from '../../storage/notification-events.ts'

/** A platform operator's answer to a project's request to go live. */
export type GoLiveDecision = { reviewId: string; projectId: number; approved: boolean; reason: string | undefined; decidedAt: Date }

/**
 * Tells the project's organisation that its go-live request was decided. The go-live review
 * (SPEC §14 Onboarding) calls this in the transaction that records the decision (`tx`), so the
 * notice exists exactly when the decision does; the review id keys it, so a retried call adds
 * nothing.
 */
export async function goLiveDecided(tx: Sql, decision: GoLiveDecision): Promise<void> {
  await recordNotificationEvent(tx, {
    key: `go_live_decided:${decision.reviewId}`, kind: 'go_live_decided', projectId: decision.projectId, now: decision.decidedAt,
    params: { decision: decision.approved ? 'approved' : 'rejected', reason: decision.reason ?? null },
  })
}
