import { createHash } from 'node:crypto'
import pg from 'pg'
import { lockHolder } from './lease-holder.ts'
import { NOTIFY_CHANNELS, type ChangeHandlers, type Sql } from './sql.ts'

/**
 * Opens a PostgreSQL pool. `schema`, when given, becomes the search path of every connection,
 * so test suites can each work in a schema of their own.
 */
export async function openPostgres(url: string, options: { schema?: string; max?: number } = {}): Promise<Sql> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined)
  const subscribers = new Map<string, Set<ChangeHandlers>>()
  const listeningClients = new WeakSet<pg.PoolClient>()
  let listening = 0
  pool.on('remove', (client) => {
    if (listeningClients.has(client as pg.PoolClient)) listening--
  })
  // Every pooled connection listens before its first statement: the connection that commits a
  // change gets its own notification before the statement returns, so this process reads its
  // own writes; the others hear it as soon as one of their connections is idle.
  const acquire = async (): Promise<pg.PoolClient> => {
    const client = await pool.connect()
    if (listeningClients.has(client)) return client
    try {
      client.on('notification', (message) => {
        for (const handlers of subscribers.get(message.channel) ?? []) handlers.onNotify(message.payload ?? '')
      })
      for (const channel of NOTIFY_CHANNELS) await client.query(`LISTEN ${channel}`)
    } catch (error) {
      client.release(error as Error)
      throw error
    }
    listeningClients.add(client)
    // No connection listened until now: whatever was notified meanwhile is lost to this process.
    if (listening++ === 0) for (const set of subscribers.values()) for (const handlers of set) handlers.onGap()
    return client
  }
  // A statement's own error leaves the connection usable; a broken connection must not go back.
  const release = (client: pg.PoolClient, error?: unknown) => client.release(error === undefined || error instanceof pg.DatabaseError ? undefined : (error as Error))
  await pool.query('SELECT 1')
  // Opened on first use only: pools that never claim a lease (migrations, admin) cost no session.
  let holder: Promise<{ id: number; client: pg.Client }> | undefined
  const leaseHolder = async () => {
    holder ??= (async () => {
      const client = new pg.Client({ connectionString: url })
      client.on('error', () => undefined)
      await client.connect()
      return { id: await lockHolder(client), client }
    })()
    return (await holder).id
  }
  const sql: Sql = {
    dialect: 'postgres',
    leaseHolder,
    listen(channel, handlers) {
      const set = subscribers.get(channel) ?? new Set<ChangeHandlers>()
      subscribers.set(channel, set.add(handlers))
      return () => void set.delete(handlers)
    },
    async query<T>(text: string, params: unknown[] = []) {
      const client = await acquire()
      try {
        const result = await prepared(client, text, params).catch((error: unknown) => {
          // Outside a transaction nothing was done: run it again under its new name.
          if (needsNewName(error)) return prepared(client, text, params)
          throw error
        })
        release(client)
        return result.rows as T[]
      } catch (error) {
        release(client, error)
        throw error
      }
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      const client = await acquire()
      try {
        await client.query('BEGIN')
        const tx: Sql = {
          dialect: 'postgres',
          leaseHolder,
          async query<R>(text: string, params: unknown[] = []) {
            return (await prepared(client, text, params)).rows as R[]
          },
          transaction: () => Promise.reject(new Error('nested transactions are not supported')),
          listen: () => {
            throw new Error('listen on the database, not in a transaction')
          },
          close: async () => undefined,
        }
        const result = await fn(tx)
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined)
        throw error
      } finally {
        client.release()
      }
    },
    async close() {
      if (holder) await (await holder.catch(() => undefined))?.client.end().catch(() => undefined)
      await pool.end()
    },
  }
  return sql
}

/** Statement names by text; a new generation replaces a name whose plan went stale. */
const names = new Map<string, string>()
/**
 * Texts named per process. Every connection keeps what it prepared until it closes, and
 * node-postgres cannot drop one, so past this many texts the rest run unnamed, as before.
 */
const NAMED_TEXTS = 300
/**
 * Uses of texts not named yet: a text is named from its third use, so texts run once or twice
 * (the dashboard's many filter combinations) do not take the payment path's places.
 */
const uses = new Map<string, number>()
const NAMED_FROM_USE = 3
let generation = 0

/**
 * Runs a statement with parameters as a named prepared statement: each connection parses and
 * plans it once, then only binds and executes (PostgreSQL CPU per complete card payment
 * 12.4 → 5.4 ms, #15). Statements without parameters (DDL, one-off reads) stay unnamed.
 * Hint: a prepared `SELECT *` or `RETURNING *` whose table gained a column fails for good on
 * that connection (0A000, "cached plan must not change result type") — what another process's
 * migration does during a rolling deploy. The text then gets a new name, parsed afresh by every
 * connection, so each such statement fails at most once per process: outside a transaction it
 * is run again at once; inside one the transaction fails and rolls back whole.
 */
function prepared(client: pg.PoolClient, text: string, values: unknown[]): Promise<pg.QueryResult> {
  if (values.length === 0) return client.query(text, values)
  let name = names.get(text)
  if (!name) {
    const seen = (uses.get(text) ?? 0) + 1
    if (seen < NAMED_FROM_USE || names.size >= NAMED_TEXTS) {
      if (uses.size >= 10_000) uses.clear()
      uses.set(text, seen)
      return client.query(text, values)
    }
    uses.delete(text)
    names.set(text, (name = `epay_${createHash('sha256').update(text).digest('hex').slice(0, 24)}_${generation}`))
  }
  return client.query({ name, text, values }).catch((error: unknown) => {
    if (needsNewName(error) && names.get(text) === name) names.set(text, `${name.replace(/_\d+$/, '')}_${++generation}`)
    throw error
  })
}

/**
 * A prepared statement this connection can no longer run: its plan went stale under a changed
 * table (0A000 from RevalidateCachedQuery; matched on the routine, as messages follow the
 * server's lc_messages), or node-postgres counts it as parsed after closing it itself, which it
 * does when a parameter fails to serialise (26000).
 */
function needsNewName(error: unknown): boolean {
  return error instanceof pg.DatabaseError && ((error.code === '0A000' && error.routine === 'RevalidateCachedQuery') || error.code === '26000')
}
