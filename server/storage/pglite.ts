import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, realpathSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { randomHolderId } from './lease-holder.ts'
import type { Sql } from './sql.ts'

/** Why EPay will not open a PGlite data directory; start-up stops with this message. */
export class DataDirError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'DataDirError'
  }
}

/** EPay's own lock file inside the data directory (PGlite's postmaster.pid does not stop a second process). */
export const LOCK_FILE = 'epay.lock'
const PAGE = 8192

/**
 * Opens the embedded database: `dataDir` on disk, or in memory when undefined (tests).
 * Hint: PGlite is one connection in this process; queries are serialised, which is also why
 * race tests run on PostgreSQL only.
 * Hint: a damaged directory is refused, never re-initialised: PGlite runs initdb whenever
 * PG_VERSION is missing and would start with an empty database, losing every payment. A second
 * process on the same directory is refused too, because two PGlite instances corrupt it.
 */
export async function openPglite(dataDir: string | undefined, options: { snapshot?: Blob } = {}): Promise<Sql> {
  if (dataDir === undefined) {
    // An in-memory database; from a snapshot (a `dumpDataDir` tarball) it skips initdb, which
    // is most of PGlite's start-up time.
    const db = await PGlite.create(options.snapshot ? { loadDataDir: options.snapshot } : {})
    return wrap(db, () => db.close())
  }
  const release = lockDataDir(dataDir)
  try {
    const hadCluster = inspectDataDir(dataDir)
    let db: PGlite
    try {
      db = await PGlite.create({ dataDir })
    } catch (error) {
      throw new DataDirError(`${dataDir}: PGlite could not open this database (${describe(error)}); it is damaged. Restore it from a backup.`, { cause: error })
    }
    if (hadCluster) {
      try {
        await verifyCluster(db, dataDir)
      } catch (error) {
        await db.close().catch(() => undefined)
        throw error
      }
    }
    return wrap(db, async () => {
      await db.close()
      release()
    })
  } catch (error) {
    release()
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

/** Directories this process holds: its own pid in a lock file means "held" only if listed here. */
const heldHere = new Set<string>()

/**
 * Takes the data directory for this process (creating it if needed) and returns the release.
 * A lock left by a process that no longer runs is taken over, as PostgreSQL does with
 * postmaster.pid; our own and our parent's pid count as gone (containers reuse pids on restart).
 */
function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, LOCK_FILE)
  const key = realpathSync(dir)
  if (heldHere.has(key)) throw new DataDirError(`${dir} is already open in this process`)
  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number
    try {
      fd = openSync(path, 'wx')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = Number.parseInt(readLock(path), 10)
      if (Number.isSafeInteger(holder) && holder > 0 && holder !== process.pid && holder !== process.ppid && isAlive(holder)) {
        throw new DataDirError(`${dir} is in use by process ${holder}. PGlite allows one process per data directory: ` +
          `stop that process, or use PostgreSQL (DATABASE_URL) to run several. If no EPay process runs, delete ${path}.`)
      }
      try {
        unlinkSync(path)
      } catch {
        // Another starter removed the stale lock first; try again.
      }
      continue
    }
    writeSync(fd, `${process.pid}\n`)
    closeSync(fd)
    heldHere.add(key)
    let released = false
    const release = () => {
      if (released) return
      released = true
      heldHere.delete(key)
      process.off('exit', release)
      if (readLock(path).trim() === String(process.pid)) {
        try {
          unlinkSync(path)
        } catch {
          // already gone
        }
      }
    }
    process.on('exit', release)
    return release
  }
  throw new DataDirError(`${dir}: could not take the lock ${path}`)
}

function readLock(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return ''
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

type Queryable = Pick<PGlite, 'query'> & { transaction?: PGlite['transaction'] }

// One process owns a PGlite directory, so its holder id needs no lock: any other id is dead.
function wrap(db: Queryable, close: () => Promise<void>, holder = randomHolderId()): Sql {
  return {
    dialect: 'pglite',
    leaseHolder: () => Promise.resolve(holder),
    async query<T>(text: string, params: unknown[] = []) {
      const result = await db.query<T>(text, params)
      return result.rows
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      if (!db.transaction) throw new Error('nested transactions are not supported')
      return db.transaction((tx) => fn(wrap(tx, async () => undefined, holder)))
    },
    close,
  }
}
