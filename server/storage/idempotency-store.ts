import { optional, toSafeInt, type Sql } from './sql.ts'

/** A stored answer, or a request with the same key still running. */
export type IdempotencyRecord =
  | { state: 'in_flight'; fingerprint: string }
  | { state: 'done'; fingerprint: string; status: number; body: string }

/** How long keys are kept (SPEC §9: at least 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000

/**
 * Idempotency-Key records per project. Only a fingerprint of the request and the answer are
 * stored — never the body, which may carry a PAN and a CVC.
 * Hint: claiming is one `INSERT … ON CONFLICT DO NOTHING`, so of two identical requests sent
 * at once exactly one runs; a claim left by a crashed process is taken over after its lease.
 */
export function createIdempotencyStore(sql: Sql) {
  return {
    async begin(projectId: number, key: string, fingerprint: string, now: Date, leaseMs: number): Promise<{ claimed: true } | { claimed: false; record: IdempotencyRecord }> {
      await sql.query(
        `DELETE FROM idempotency_keys WHERE (project_id, key) IN (
           SELECT project_id, key FROM idempotency_keys WHERE expires_at <= $1 LIMIT 100 FOR UPDATE SKIP LOCKED)`,
        [now],
      )
      const lockedUntil = new Date(now.getTime() + leaseMs)
      const inserted = await sql.query(
        `INSERT INTO idempotency_keys (project_id, key, fingerprint, locked_until, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, key) DO NOTHING RETURNING key`,
        [projectId, key, fingerprint, lockedUntil, now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS)],
      )
      if (inserted.length > 0) return { claimed: true }
      const taken = await sql.query(
        `UPDATE idempotency_keys SET locked_until = $4
         WHERE project_id = $1 AND key = $2 AND fingerprint = $3 AND state = 'in_flight' AND locked_until <= $5 RETURNING key`,
        [projectId, key, fingerprint, lockedUntil, now],
      )
      if (taken.length > 0) return { claimed: true }
      const rows = await sql.query('SELECT * FROM idempotency_keys WHERE project_id = $1 AND key = $2', [projectId, key])
      const row = rows[0]
      // Deleted as expired between the statements: the caller may simply retry.
      if (!row) return { claimed: false, record: { state: 'in_flight', fingerprint } }
      const stored = String(row['fingerprint'])
      return row['state'] === 'done'
        ? { claimed: false, record: { state: 'done', fingerprint: stored, status: toSafeInt(row['response_status'], 'response_status'), body: optional(row['response_body']) ?? '' } }
        : { claimed: false, record: { state: 'in_flight', fingerprint: stored } }
    },
    async finish(projectId: number, key: string, status: number, body: string): Promise<void> {
      await sql.query(
        `UPDATE idempotency_keys SET state = 'done', response_status = $3, response_body = $4 WHERE project_id = $1 AND key = $2`,
        [projectId, key, status, body],
      )
    },
    /** Forgets a claim whose request ended in a retryable error, so the same key can try again. */
    async abandon(projectId: number, key: string): Promise<void> {
      await sql.query(`DELETE FROM idempotency_keys WHERE project_id = $1 AND key = $2 AND state = 'in_flight'`, [projectId, key])
    },
  }
}
export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>
