import { recordNotificationEvent } from './notification-events.ts'
import { optional, toSafeInt, type Sql } from './sql.ts'

/** A callback claimed for delivery by one process. */
export type ClaimedCallback = {
  id: string
  projectId: number
  url: string
  payload: string
  attempts: number
  createdAt: Date
}

/** Delivery state of one callback event, as the API shows it (SPEC §8). */
export type CallbackState = {
  id: string
  operationId: number
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  lastStatus: number | undefined
  lastError: string | undefined
  nextAttemptAt: Date
}

/**
 * The outbox's delivery side. Claims use `FOR UPDATE SKIP LOCKED` plus a lease, so several
 * server processes can deliver from one database without sending the same event at once, and
 * an event claimed by a process that then crashed is picked up again when its lease ends.
 */
export function createOutboxStore(sql: Sql) {
  return {
    async claimDue(now: Date, leaseMs: number, limit: number): Promise<ClaimedCallback[]> {
      const rows = await sql.query(
        `UPDATE callback_outbox SET locked_until = $2
         WHERE id IN (
           SELECT id FROM callback_outbox
           WHERE status = 'pending' AND next_attempt_at <= $1 AND (locked_until IS NULL OR locked_until <= $1)
           ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, project_id, url, payload, attempts, created_at`,
        [now, new Date(now.getTime() + leaseMs), limit],
      )
      return rows.map((r) => ({
        id: String(r['id']),
        projectId: toSafeInt(r['project_id'], 'project_id'),
        url: String(r['url']),
        payload: String(r['payload']),
        attempts: toSafeInt(r['attempts'], 'attempts'),
        createdAt: new Date(r['created_at'] as Date),
      }))
    },
    async markDelivered(id: string, httpStatus: number, now: Date): Promise<void> {
      await sql.query(
        `UPDATE callback_outbox SET status = 'delivered', attempts = attempts + 1, last_status = $2,
           last_error = NULL, delivered_at = $3, locked_until = NULL WHERE id = $1`,
        [id, httpStatus, now],
      )
    },
    /**
     * Records a failed try; without a next attempt the event is failed for good, and the
     * organisation is told in the same transaction (SPEC §8: after the last retry).
     */
    async markFailed(id: string, result: { httpStatus?: number; error: string; next: Date | undefined }, now: Date): Promise<void> {
      await sql.transaction(async (tx) => {
        const rows = await tx.query(
          `UPDATE callback_outbox o SET attempts = attempts + 1, last_status = $2, last_error = $3,
             status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
             next_attempt_at = COALESCE($4::timestamptz, next_attempt_at), locked_until = NULL WHERE id = $1
           RETURNING o.project_id, o.payment_row_id, o.status, o.attempts, o.operation_id, (SELECT payment_id FROM payments WHERE id = o.payment_row_id) AS payment_id,
             (SELECT test FROM payments WHERE id = o.payment_row_id) AS test`,
          [id, result.httpStatus ?? null, result.error.slice(0, 500), result.next ?? null],
        )
        const row = rows[0]
        if (row?.['status'] !== 'failed') return
        await recordNotificationEvent(tx, {
          key: `callback_failed:${id}`, kind: 'callback_failed', projectId: toSafeInt(row['project_id'], 'project_id'), now,
          params: {
            payment_id: optional(row['payment_id']) ?? null, payment_ref: optional(row['payment_row_id']) ?? null, callback_id: id, attempts: toSafeInt(row['attempts'], 'attempts'),
            http_status: result.httpStatus ?? null, error: result.error.slice(0, 100), test: row['test'] === true,
          },
        })
      })
    },
    async forPayment(paymentRowId: string): Promise<CallbackState[]> {
      const rows = await sql.query(
        'SELECT * FROM callback_outbox WHERE payment_row_id = $1 ORDER BY created_at, id',
        [paymentRowId],
      )
      return rows.map((r) => ({
        id: String(r['id']),
        operationId: toSafeInt(r['operation_id'], 'operation_id'),
        status: r['status'] as CallbackState['status'],
        attempts: toSafeInt(r['attempts'], 'attempts'),
        lastStatus: r['last_status'] === null ? undefined : toSafeInt(r['last_status'], 'last_status'),
        lastError: optional(r['last_error']),
        nextAttemptAt: new Date(r['next_attempt_at'] as Date),
      }))
    },
  }
}
export type OutboxStore = ReturnType<typeof createOutboxStore>
