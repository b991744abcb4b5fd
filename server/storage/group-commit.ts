/** What group commit needs of the one connection: a real transaction, and statements inside it. */
export type Transactor<Tx> = {
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>
}
type Statement<Tx> = (tx: Tx, text: string) => Promise<unknown>

type Job<Tx> = {
  run: (tx: Tx) => Promise<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** Logical transactions one commit carries at most, so an early one never waits on a long queue. */
const MAX_BATCH = 64

/**
 * Group commit for a single connection (PGlite): the logical transactions that queue while one
 * commit is running share the next one, each inside its own savepoint.
 * Hint: PGlite is one backend, so transactions already run one after another; what costs is the
 * commit, which flushes the WAL to disk (pglite-durability.ts). Sharing one flush among the
 * transactions that waited for it is PostgreSQL's own group commit, done where PGlite cannot.
 * Hint: a logical transaction's promise settles only after the shared COMMIT returned, so
 * nothing is acknowledged before it is on disk; one that throws is rolled back to its savepoint
 * (its writes gone, the others' kept) and rejects with its own error. If the shared transaction
 * itself fails, every logical transaction in it rejects: none was acknowledged, none committed.
 * Hint: the logical transactions of one commit share its start time (`now()`), its
 * transaction-scoped advisory locks (one backend: no one else to exclude) and `SET LOCAL`
 * settings; EPay's stores take times from the application clock and set nothing locally.
 * `SET TRANSACTION` cannot run in one at all (other statements came first): a reader that wants
 * a consistent snapshot needs nothing more on PGlite, where transactions never interleave.
 */
export function groupCommit<Tx>(db: Transactor<Tx>, statement: Statement<Tx>): <T>(fn: (tx: Tx) => Promise<T>) => Promise<T> {
  const queue: Job<Tx>[] = []
  let draining = false

  async function commitBatch(batch: Job<Tx>[]): Promise<void> {
    const done: Array<{ job: Job<Tx>; value: unknown }> = []
    const settled = new Set<Job<Tx>>()
    try {
      await db.transaction(async (tx) => {
        for (const job of batch) {
          await statement(tx, 'SAVEPOINT epay_logical')
          try {
            const value = await job.run(tx)
            await statement(tx, 'RELEASE SAVEPOINT epay_logical')
            done.push({ job, value })
          } catch (error) {
            await statement(tx, 'ROLLBACK TO SAVEPOINT epay_logical')
            await statement(tx, 'RELEASE SAVEPOINT epay_logical')
            settled.add(job)
            job.reject(error)
          }
        }
      })
    } catch (error) {
      for (const job of batch) if (!settled.has(job)) job.reject(error)
      return
    }
    for (const { job, value } of done) job.resolve(value)
  }

  async function drain(): Promise<void> {
    draining = true
    try {
      while (queue.length > 0) await commitBatch(queue.splice(0, MAX_BATCH))
    } finally {
      draining = false
    }
  }

  return <T>(fn: (tx: Tx) => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      queue.push({ run: fn, resolve: resolve as (value: unknown) => void, reject })
      if (!draining) void drain()
    })
}
