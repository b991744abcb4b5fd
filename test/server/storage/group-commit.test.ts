import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrate } from '../../../server/storage/migrate.ts'
import { openPglite } from '../../../server/storage/pglite.ts'
import type { Sql } from '../../../server/storage/sql.ts'

// Group commit on PGlite (server/storage/group-commit.ts), on a real data directory: the
// transactions that wait share one commit, yet each keeps its own all-or-nothing outcome.
describe('PGlite group commit', () => {
  let dir: string
  let sql: Sql
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'epay-group-commit-'))
    sql = await openPglite(dir)
    await migrate(sql)
    await sql.query('CREATE TABLE entries (id int PRIMARY KEY, note text NOT NULL)')
  })
  afterAll(async () => {
    await sql?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const ids = async (from: number, to: number) =>
    (await sql.query<{ id: number }>('SELECT id FROM entries WHERE id BETWEEN $1 AND $2 ORDER BY id', [from, to])).map((r) => r.id)

  it('commits 50 concurrent transactions in far fewer commits, each one visible once it resolves', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO entries (id, note) VALUES ($1, $2)', [1000 + i, `n${i}`])
          // The top-level transaction's id: logical transactions sharing a commit share it.
          return (await tx.query<{ xid: string }>('SELECT pg_current_xact_id()::text AS xid'))[0]!.xid
        }),
      ),
    )
    expect(await ids(1000, 1049)).toHaveLength(50)
    // One by one, 50 transactions would be 50 commits (and 50 flushes on disk).
    expect(new Set(results).size).toBeLessThan(15)
  })

  it('rolls back only the transaction that throws; the others in its commit keep their writes', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 9 }, (_, i) =>
        sql.transaction(async (tx) => {
          await tx.query('INSERT INTO entries (id, note) VALUES ($1, $2)', [2000 + i, 'kept'])
          if (i % 3 === 1) {
            await tx.query('INSERT INTO entries (id, note) VALUES ($1, $2)', [2100 + i, 'written before the throw'])
            throw new Error(`refused ${i}`)
          }
          // A statement PostgreSQL refuses aborts the transaction; its savepoint recovers the rest.
          if (i % 3 === 2) await tx.query('INSERT INTO entries (id, note) VALUES ($1, NULL)', [2200 + i])
          return i
        }),
      ),
    )
    expect(outcomes.map((o) => o.status)).toEqual(Array.from({ length: 9 }, (_, i) => (i % 3 === 0 ? 'fulfilled' : 'rejected')))
    expect(outcomes[1]).toMatchObject({ status: 'rejected', reason: new Error('refused 1') })
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: '23502' })
    expect(await ids(2000, 2299)).toEqual([2000, 2003, 2006])
  })

  it('keeps what it acknowledged across a reopen of the directory', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => sql.transaction((tx) => tx.query('INSERT INTO entries (id, note) VALUES ($1, $2)', [3000 + i, 'durable']))))
    await sql.close()
    sql = await openPglite(dir)
    expect(await ids(3000, 3019)).toHaveLength(20)
  })
})
