import pg from 'pg'
import { lockHolder } from './lease-holder.ts'
import type { Sql } from './sql.ts'

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
    async query<T>(text: string, params: unknown[] = []) {
      const result = await pool.query(text, params)
      return result.rows as T[]
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const tx: Sql = {
          dialect: 'postgres',
          leaseHolder,
          async query<R>(text: string, params: unknown[] = []) {
            return (await client.query(text, params)).rows as R[]
          },
          transaction: () => Promise.reject(new Error('nested transactions are not supported')),
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
