import { catchUpFrom, dayDue, nextDay, utcDay } from '../domain/reconciliation.ts'
import type { ReconciliationStore } from './reconciliation-store.ts'

/**
 * Queues the daily reconciliation of every live connected project whose day is due (the UTC day
 * has ended, plus RECONCILE_AFTER_DAY_MS). Safe in every process at once: each day is claimed by
 * compare-and-set on the project's schedule row, so it is queued once. The schedule lives in the
 * database, so a restart loses nothing, and days missed while no process ran are each run once
 * when one is back (up to MAX_CATCH_UP_DAYS). A project newly seen starts with the current day.
 * Returns how many days this call queued.
 */
export async function scheduleReconciliation(store: ReconciliationStore, now: Date): Promise<number> {
  let queued = 0
  for (const { projectId, orgId } of await store.connectedLiveProjects()) {
    let day = await store.schedule(projectId, utcDay(now))
    const from = catchUpFrom(day, now)
    if (from !== day) {
      await store.skip(projectId, day, from)
      day = from
    }
    while (dayDue(day, now)) {
      const next = nextDay(day)
      // Lost the claim: another process has this day; it also moved the schedule on, so read it again.
      if (await store.claim({ projectId, orgId, day, next }, now)) queued++
      const held = await store.nextDay(projectId)
      if (!held || held <= day) break
      day = held
    }
  }
  return queued
}
