import type { Logger } from '../logger.ts'
import type { Sql } from '../storage/sql.ts'
import { recordNotificationEvent } from '../storage/notification-events.ts'
import type { Mismatch } from './reconciliation-store.ts'

/** A finished daily reconciliation that found the two sides disagreeing. */
export type ReconciliationReport = {
  projectId: number
  orgId: string | undefined
  /** The reconciled UTC day, `YYYY-MM-DD`. */
  day: string
  /** Local operations compared. */
  checked: number
  mismatches: readonly Mismatch[]
}

/**
 * Where a reconciliation with mismatches is announced: called once per run that found any, after
 * the run and its journal row are committed.
 */
export type ReconciliationNotice = {
  onReconciliationMismatch(report: ReconciliationReport): Promise<void>
}

/** A warning in the log (the journal row is written with the run). */
export function loggedReconciliationNotice(logger: Logger): ReconciliationNotice {
  return {
    async onReconciliationMismatch(report) {
      logger.warn('reconciliation found mismatches', {
        project: report.projectId, day: report.day, checked: report.checked, mismatches: report.mismatches.length,
        kinds: [...new Set(report.mismatches.map((m) => m.kind))],
      })
    },
  }
}

/**
 * The organisation's notification (dashboard, and mail by each user's choice) beside the log.
 * Hint: keyed by project and day, so a run announced again (its process died after the run
 * committed and before this) adds nothing; one that dies before it loses the notice, never the
 * run, its mismatches or its journal row.
 */
export function notifiedReconciliationNotice(sql: Sql, logger: Logger, now: () => Date): ReconciliationNotice {
  const logged = loggedReconciliationNotice(logger)
  return {
    async onReconciliationMismatch(report) {
      await logged.onReconciliationMismatch(report)
      await sql.transaction((tx) => recordNotificationEvent(tx, {
        key: `reconciliation_mismatch:${report.projectId}:${report.day}`, kind: 'reconciliation_mismatch', projectId: report.projectId,
        params: { day: report.day, mismatches: report.mismatches.length }, now: now(),
      }))
    },
  }
}
