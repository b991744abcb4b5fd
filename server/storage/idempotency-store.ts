import { randomBytes } from 'node:crypto'
import { PaymentError } from '../domain/errors.ts'
import type { KeyClaim } from '../domain/ports.ts'
import { holderDeadSql } from './lease-holder.ts'
import { optional, toSafeInt, type Sql } from './sql.ts'

/** What a key's first run already wrote: the payment it created, the operation it started. */
export type BoundEffect = { paymentRowId: string | undefined; operationId: number | undefined }

/** A stored answer, or a request with the same key still running under a live holder. */
export type IdempotencyRecord =
  | { state: 'in_flight'; fingerprint: string }
  | { state: 'done'; fingerprint: string; status: number; body: string }

/** The outcome of `begin`: this request holds the key now (with what an earlier run wrote), or not. */
export type Begun = { claimed: true; claim: KeyClaim; effect: BoundEffect } | { claimed: false; record: IdempotencyRecord }

/** How long keys are kept (SPEC §9: at least 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000

/**
 * Idempotency-Key records per project. Only a fingerprint of the request and the answer are
 * stored — never the body, which may carry a PAN and a CVC.
 * Hint: claiming is one `INSERT … ON CONFLICT DO NOTHING`, so of two identical requests sent
 * at once exactly one runs. A claim belongs to a live holder (lease-holder.ts): when its process
 * dies the key is taken over at once, or after the timed lease if the holder hangs. Each claim
 * carries a fresh token, and the effect is bound to the key only under the token that still
 * holds it (bindEffect, in the effect's own transaction): a taken-over run can never commit.
 */
export function createIdempotencyStore(sql: Sql) {
  return {
    async begin(projectId: number, key: string, fingerprint: string, now: Date, leaseMs: number): Promise<Begun> {
      await sql.query(
        `DELETE FROM idempotency_keys WHERE (project_id, key) IN (
           SELECT project_id, key FROM idempotency_keys WHERE expires_at <= $1 LIMIT 100 FOR UPDATE SKIP LOCKED)`,
        [now],
      )
      const me = await sql.leaseHolder()
      const claim: KeyClaim = { projectId, key, token: randomBytes(12).toString('base64url') }
      const lockedUntil = new Date(now.getTime() + leaseMs)
      const inserted = await sql.query(
        `INSERT INTO idempotency_keys (project_id, key, fingerprint, locked_until, created_at, expires_at, holder, claim)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (project_id, key) DO NOTHING RETURNING key`,
        [projectId, key, fingerprint, lockedUntil, now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS), me, claim.token],
      )
      if (inserted.length > 0) return { claimed: true, claim, effect: { paymentRowId: undefined, operationId: undefined } }
      const taken = await sql.query(
        `UPDATE idempotency_keys k SET locked_until = $4, holder = $6, claim = $7
         WHERE k.project_id = $1 AND k.key = $2 AND k.fingerprint = $3 AND k.state = 'in_flight'
           AND (k.locked_until <= $5 OR ${holderDeadSql(sql, 'k.holder', '$6')})
         RETURNING k.payment_row_id, k.operation_id`,
        [projectId, key, fingerprint, lockedUntil, now, me, claim.token],
      )
      if (taken[0]) return { claimed: true, claim, effect: effectOf(taken[0]) }
      const rows = await sql.query('SELECT * FROM idempotency_keys WHERE project_id = $1 AND key = $2', [projectId, key])
      const row = rows[0]
      // Deleted as expired between the statements: the caller may simply retry.
      if (!row) return { claimed: false, record: { state: 'in_flight', fingerprint } }
      const stored = String(row['fingerprint'])
      return row['state'] === 'done'
        ? { claimed: false, record: { state: 'done', fingerprint: stored, status: toSafeInt(row['response_status'], 'response_status'), body: optional(row['response_body']) ?? '' } }
        : { claimed: false, record: { state: 'in_flight', fingerprint: stored } }
    },
    /** Stores the answer, if `claim` still holds the key (a run taken over answers, but stores nothing). */
    async finish(claim: KeyClaim, status: number, body: string): Promise<void> {
      await sql.query(
        `UPDATE idempotency_keys SET state = 'done', response_status = $4, response_body = $5
         WHERE project_id = $1 AND key = $2 AND claim = $3 AND state = 'in_flight'`,
        [claim.projectId, claim.key, claim.token, status, body],
      )
    },
    /**
     * Gives the key up after a retryable error: forgotten if nothing was written under it, so the
     * same key runs anew; else kept with its effect and left without a holder, so the next retry
     * takes it over at once and answers from that effect.
     */
    async release(claim: KeyClaim): Promise<void> {
      const freed = await sql.query(
        `DELETE FROM idempotency_keys WHERE project_id = $1 AND key = $2 AND claim = $3 AND state = 'in_flight'
           AND payment_row_id IS NULL AND operation_id IS NULL RETURNING key`,
        [claim.projectId, claim.key, claim.token],
      )
      if (freed.length > 0) return
      await sql.query(
        `UPDATE idempotency_keys SET holder = NULL WHERE project_id = $1 AND key = $2 AND claim = $3 AND state = 'in_flight'`,
        [claim.projectId, claim.key, claim.token],
      )
    },
    /** The keyed requests in flight whose effect is this payment (for the resolver: a live one is left alone). */
    async liveClaimOn(paymentRowId: string): Promise<boolean> {
      const me = await sql.leaseHolder()
      const rows = await sql.query(
        `SELECT 1 FROM idempotency_keys k WHERE k.payment_row_id = $1 AND k.state = 'in_flight' AND NOT ${holderDeadSql(sql, 'k.holder', '$2')}`,
        [paymentRowId, me],
      )
      return rows.length > 0
    },
  }
}
export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>

/**
 * Binds the effect a keyed request is committing to its key, inside the effect's transaction.
 * Throws `conflict` (rolling the effect back) unless `claim` still holds the key and the key has
 * no other effect: a request whose key was taken over by a retry writes nothing.
 */
export async function bindEffect(tx: Sql, claim: KeyClaim, paymentRowId: string, operationId: number | undefined): Promise<void> {
  const rows = await tx.query(
    `UPDATE idempotency_keys SET payment_row_id = $4, operation_id = $5
     WHERE project_id = $1 AND key = $2 AND claim = $3 AND state = 'in_flight' AND operation_id IS NULL
       AND (payment_row_id IS NULL OR payment_row_id = $4) RETURNING key`,
    [claim.projectId, claim.key, claim.token, paymentRowId, operationId ?? null],
  )
  if (rows.length === 0) throw new PaymentError('conflict', 'this Idempotency-Key was taken over by a retry of the same request')
}

function effectOf(row: Record<string, unknown>): BoundEffect {
  return {
    paymentRowId: optional(row['payment_row_id']),
    operationId: row['operation_id'] === null || row['operation_id'] === undefined ? undefined : toSafeInt(row['operation_id'], 'operation_id'),
  }
}
