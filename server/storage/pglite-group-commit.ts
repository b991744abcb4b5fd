import type { PGlite } from '@electric-sql/pglite'

/**
 * Flushes the WAL only when something not yet on disk was written: the insert position is
 * past the flushed one. A non-transactional logical message with `flush = true` is the one
 * SQL-level way to make PostgreSQL flush up to its insert position: a transaction that only took
 * an id writes its commit record but, having written no other WAL, never flushes it. The message
 * writes a few bytes of WAL and no table, and nothing reads it.
 */
const FLUSH = `DO $$ BEGIN
  IF pg_current_wal_insert_lsn() > pg_current_wal_flush_lsn() THEN
    PERFORM pg_logical_emit_message(false, 'epay-group-commit', '', true);
  END IF;
END $$`

/**
 * Group commit for on-disk PGlite. PGlite is one connection in this process, and a commit that
 * flushes its own WAL blocks the whole thread for the fsync (about a millisecond on this disk,
 * more on others): under load every request paid one. With `synchronous_commit = off` a commit
 * returns once its WAL is in memory, and this barrier holds every caller's result back until a
 * shared flush has put it on disk, so several requests' commits ride one fsync.
 * Hint: the invariant is "no result leaves the storage layer before everything it could have
 * seen is durable", not just "no commit is acknowledged early": a statement may read a row
 * another request committed but has not flushed yet, and acting on it (charging a card, telling
 * the shopper "already paid") must wait for that row to be on disk too. So reads, failed
 * statements and rolled-back transactions wait for the barrier as well; when nothing is
 * waiting to be flushed it costs one cheap statement, shared by all callers of the same turn.
 * Hint: the flush is scheduled with setImmediate, after the I/O callbacks of this turn of the
 * event loop, and queues behind the statements and transactions already waiting for the
 * connection, so the requests that arrived meanwhile commit first and share it.
 * Hint: a transaction's callback must never wait for a promise made outside it that runs a
 * statement (a shared cache load, say): that statement's result waits for a flush, the flush for
 * the connection, and the connection for the callback's transaction to end.
 * Hint: LISTEN callbacks run at commit, before the flush; they may only drop cached state.
 */
export function createGroupCommit(db: PGlite): () => Promise<void> {
  let next: Promise<void> | undefined
  let flushing: Promise<unknown> = Promise.resolve()

  return function durable(): Promise<void> {
    next ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        // One flush at a time: a caller that joins while one runs waits for the following one,
        // which starts after it and so covers what the caller's statement wrote.
        const flush = flushing.then(() => {
          next = undefined
          return db.exec(FLUSH)
        })
        flushing = flush.catch(() => undefined)
        flush.then(() => resolve(), reject)
      })
    })
    return next
  }
}
