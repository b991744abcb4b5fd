import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite, type Transaction } from '@electric-sql/pglite'
import { DataDirError } from './data-dir-error.ts'
import { LOCK_FILE, lockDataDir } from './data-dir-lock.ts'
import { DurableNodeFS, durableStartParams, syncTree } from './pglite-durability.ts'
import { randomHolderId } from './lease-holder.ts'
import { createGroupCommit } from './pglite-group-commit.ts'
import { createPreparedRunner } from './pglite-prepared.ts'
import type { ChangeHandlers, Sql } from './sql.ts'

export { DataDirError, LOCK_FILE }
const PAGE = 8192

/**
 * Opens the embedded database: `dataDir` on disk, or in memory when undefined (tests).
 * Hint: PGlite is one connection in this process; queries are serialised, which is also why
 * race tests run on PostgreSQL only.
 * Hint: a damaged directory is refused, never re-initialised: PGlite runs initdb whenever
 * PG_VERSION is missing and would start with an empty database, losing every payment. A second
 * process on the same directory is refused too, because two PGlite instances corrupt it.
 * Hint: on disk nothing is returned before the WAL it could have seen is flushed (fsync), one
 * flush shared by the commits of the same moment; see pglite-durability.ts and
 * pglite-group-commit.ts.
 */
export async function openPglite(dataDir: string | undefined, options: { snapshot?: Blob } = {}): Promise<Sql> {
  if (dataDir === undefined) {
    // An in-memory database; from a snapshot (a `dumpDataDir` tarball) it skips initdb, which
    // is most of PGlite's start-up time.
    const db = await PGlite.create(options.snapshot ? { loadDataDir: options.snapshot } : {})
    return wrap(db, () => db.close())
  }
  const lock = lockDataDir(dataDir)
  try {
    const hadCluster = inspectDataDir(dataDir)
    if (hadCluster) lock.pin(join(dataDir, 'global', 'pg_control'))
    let db: PGlite
    try {
      db = await PGlite.create({ fs: new DurableNodeFS(dataDir), startParams: durableStartParams() })
    } catch (error) {
      throw new DataDirError(`${dataDir}: PGlite could not open this database (${describe(error)}); it is damaged. Restore it from a backup.`, { cause: error })
    }
    try {
      if (hadCluster) {
        await verifyCluster(db, dataDir)
      } else {
        syncTree(dataDir)
        lock.pin(join(dataDir, 'global', 'pg_control'))
      }
    } catch (error) {
      await db.close().catch(() => undefined)
      throw error
    }
    const durable = createGroupCommit(db)
    return wrap(db, async () => {
      await durable()
      await db.close()
      lock.release()
    }, durable)
  } catch (error) {
    lock.release()
    throw error
  }
}

/** An in-memory database prepared by `prepare`, as a snapshot `openPglite` can start from. */
export async function snapshotPglite(prepare: (sql: Sql) => Promise<void>): Promise<Blob> {
  const db = await PGlite.create()
  try {
    await prepare(wrap(db, async () => undefined))
    return await db.dumpDataDir('none')
  } finally {
    await db.close()
  }
}

/**
 * Tells whether `dir` already holds a cluster (false: empty or new), after checking the files
 * PostgreSQL cannot start without. Missing ones throw instead of letting PGlite initdb over them.
 */
function inspectDataDir(dir: string): boolean {
  const entries = readdirSync(dir).filter((name) => name !== LOCK_FILE)
  if (entries.length === 0) return false
  const refuse = (what: string) =>
    new DataDirError(`${dir} is not empty but ${what}: it is damaged or not an EPay data directory. EPay refuses to start ` +
      'rather than create an empty database over it. Restore it from a backup, or set DATA_DIR to an empty directory ' +
      '(if this one is left from an interrupted first start and holds no payments, delete it).')
  if (!entries.includes('PG_VERSION')) throw refuse('has no PG_VERSION')
  if (!/^\d+(\.\d+)?\s*$/.test(readFileSync(join(dir, 'PG_VERSION'), 'utf8'))) throw refuse('its PG_VERSION is unreadable')
  const control = join(dir, 'global', 'pg_control')
  if (!existsSync(control) || statSync(control).size !== PAGE) throw refuse('its global/pg_control is missing or truncated')
  if (!existsSync(join(dir, 'base'))) throw refuse('has no base/ directory')
  return true
}

/**
 * Checks an opened cluster that held data before: EPay's migrations table must be there, every
 * relation's file must exist, and a table whose file is empty must not have index entries
 * pointing into it (a truncated table file reads as an empty table, silently).
 * Hint: this costs one catalogue query and a stat per relation, not a scan of the data, so a
 * table truncated part-way is not detected here (PostgreSQL itself does not detect it either).
 */
async function verifyCluster(db: PGlite, dir: string): Promise<void> {
  const damaged = (what: string, cause?: unknown) =>
    new DataDirError(`${dir}: ${what}. The database is damaged; EPay refuses to start on it. Restore it from a backup.`, { cause })
  const { rows: found } = await db.query<{ ok: boolean }>("SELECT to_regclass('public.schema_migrations') IS NOT NULL AS ok")
  if (!found[0]?.ok) {
    throw damaged('the database has no schema_migrations table (if this directory is left from an interrupted first start, delete it)')
  }
  const { rows } = await db.query<{ name: string; path: string; kind: string; table_name: string | null }>(
    `SELECT c.oid::regclass::text AS name, pg_relation_filepath(c.oid) AS path, c.relkind::text AS kind,
            i.indrelid::regclass::text AS table_name
       FROM pg_class c LEFT JOIN pg_index i ON i.indexrelid = c.oid
      WHERE c.relkind IN ('r', 'i', 't', 'S', 'm') AND c.relpersistence = 'p'`,
  )
  const sizes = new Map<string, number>()
  for (const r of rows) {
    const file = join(dir, r.path)
    if (!existsSync(file)) throw damaged(`the file of ${r.name} (${r.path}) is missing`)
    const size = statSync(file).size
    // Every index access method writes a metapage or root at creation: an index file shorter than that was cut.
    if (r.kind === 'i' && size < PAGE) throw damaged(`the file of index ${r.name} (${r.path}) is truncated`)
    sizes.set(r.name, size)
  }
  const suspicious = new Set<string>()
  for (const r of rows) {
    if (r.kind === 'i' && r.table_name && (sizes.get(r.name) ?? 0) > PAGE && (sizes.get(r.table_name) ?? PAGE) < PAGE) suspicious.add(r.table_name)
  }
  for (const table of suspicious) {
    let count: number
    try {
      count = await db.transaction(async (tx) => {
        // Read through an index: entries pointing into a missing block fail or count rows the heap lacks.
        await tx.exec('SET LOCAL enable_seqscan = off; SET LOCAL enable_bitmapscan = off')
        const result = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
        return result.rows[0]?.n ?? 0
      })
    } catch (error) {
      throw damaged(`the table ${table} cannot be read (${describe(error)})`, error)
    }
    if (count > 0) throw damaged(`the file of table ${table} is truncated: its indexes list ${count} rows it no longer holds`)
  }
  try {
    await db.query('SELECT count(*) FROM schema_migrations')
  } catch (error) {
    throw damaged(`schema_migrations cannot be read (${describe(error)})`, error)
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

// One process owns a PGlite directory, so its holder id needs no lock: any other id is dead.
// `durable`, on disk, resolves once everything written so far is flushed: every statement outside
// a transaction and every transaction waits for it before its caller sees the outcome.
function wrap(db: PGlite, close: () => Promise<void>, durable?: () => Promise<void>, holder = randomHolderId(), run = createPreparedRunner(db), tx?: Transaction): Sql {
  const settled = async <T>(work: Promise<T>): Promise<T> => {
    if (!durable) return work
    try {
      return await work
    } finally {
      await durable()
    }
  }
  const subscribers = new Map<string, Set<ChangeHandlers>>()
  return {
    dialect: 'pglite',
    leaseHolder: () => Promise.resolve(holder),
    // PGlite calls listeners in a microtask queued while it reads the committing statement's
    // answer, before that statement's caller resumes: a writer never reads its own stale copy.
    listen(channel, handlers) {
      if (tx) throw new Error('listen on the database, not in a transaction')
      let set = subscribers.get(channel)
      if (!set) {
        const created = new Set<ChangeHandlers>()
        subscribers.set(channel, (set = created))
        db.listen(channel, (payload) => {
          for (const handlers of created) handlers.onNotify(payload)
        }).catch(() => {
          for (const handlers of created) handlers.onGap()
        })
      }
      set.add(handlers)
      return () => void set.delete(handlers)
    },
    async query<T>(text: string, params: unknown[] = []) {
      // Statements with parameters are the application's, run again and again: prepared once.
      // Those without are mostly one-off (migrations, DDL in tests) and not worth a cache slot.
      if (params.length > 0) {
        // PGlite's Transaction refuses a statement once it has ended; the prepared path goes
        // around it, so the same guard here: a late statement must never land in another
        // caller's transaction.
        if (tx?.closed) throw new Error('Transaction is closed')
        return tx ? run<T>(text, params, true) : settled(run<T>(text, params, false))
      }
      if (tx) return (await tx.query<T>(text)).rows
      return (await settled(db.query<T>(text))).rows
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      if (tx) throw new Error('nested transactions are not supported')
      return settled(db.transaction((inner) => fn(wrap(db, async () => undefined, undefined, holder, run, inner))))
    },
    close,
  }
}
