import { randomInt } from 'node:crypto'
import type pg from 'pg'
import type { Sql } from './sql.ts'

/**
 * Namespace of the session advisory locks that mark live lease holders on PostgreSQL
 * (two-key form: this namespace, then the holder id). Distinct from the migration lock.
 */
export const HOLDER_LOCK_NAMESPACE = 0x45506179

/** A random positive int4: it is both the stored holder id and the advisory lock's second key. */
export function randomHolderId(): number {
  return randomInt(1, 2 ** 31 - 1)
}

/**
 * Takes a session advisory lock naming this process as a lease holder on a dedicated
 * connection kept for the life of the pool. PostgreSQL drops the lock the moment the session
 * ends — a SIGKILL, a crash, a lost host — so other processes see at once that claims recorded
 * under this id have no live holder, without waiting out a timed lease.
 */
export async function lockHolder(client: pg.Client): Promise<number> {
  for (;;) {
    const id = randomHolderId()
    const rows = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [HOLDER_LOCK_NAMESPACE, id])
    if (rows.rows[0]?.ok) return id
  }
}

/**
 * SQL condition: the holder in column `column` is no longer alive. `$me` is this process's id,
 * always alive. On PGlite one process owns the directory, so every other id is dead; on
 * PostgreSQL a holder is alive while its session advisory lock is held.
 */
export function holderDeadSql(sql: Pick<Sql, 'dialect'>, column: string, me: string): string {
  if (sql.dialect === 'pglite') return `(${column} IS NULL OR ${column} <> ${me})`
  return `(${column} IS NULL OR (${column} <> ${me} AND NOT EXISTS (
    SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2
      AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.classid = ${HOLDER_LOCK_NAMESPACE}::oid AND l.objid::bigint = ${column})))`
}
