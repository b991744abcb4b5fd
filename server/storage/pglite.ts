import { PGlite } from '@electric-sql/pglite'
import type { Sql } from './sql.ts'

/**
 * Opens the embedded database: `dataDir` on disk, or in memory when undefined (tests).
 * Hint: PGlite is one connection in this process; queries are serialised, which is also why
 * race tests run on PostgreSQL only.
 */
export async function openPglite(dataDir: string | undefined): Promise<Sql> {
  const db = await PGlite.create(dataDir === undefined ? {} : { dataDir })
  return wrap(db, async () => {
    await db.close()
  })
}

type Queryable = Pick<PGlite, 'query'> & { transaction?: PGlite['transaction'] }

function wrap(db: Queryable, close: () => Promise<void>): Sql {
  return {
    dialect: 'pglite',
    async query<T>(text: string, params: unknown[] = []) {
      const result = await db.query<T>(text, params)
      return result.rows
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>) {
      if (!db.transaction) throw new Error('nested transactions are not supported')
      return db.transaction((tx) => fn(wrap(tx, async () => undefined)))
    },
    close,
  }
}
