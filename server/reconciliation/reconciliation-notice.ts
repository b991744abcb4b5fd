import type { Logger } from '../logger.ts'
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
 * the run and its journal row are committed. The notifications feature plugs in here (dashboard
 * and email to the organisation's chosen users); until then it is logged.
 */
export type ReconciliationNotice = {
  onReconciliationMismatch(report: ReconciliationReport): Promise<void>
}

/** The notice until notifications exist: a warning in the log (the journal row is written with the run). */
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
