import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGroupCommit } from '../../../server/storage/pglite-group-commit.ts'
import { openPglite } from '../../../server/storage/pglite.ts'
import type { Sql } from '../../../server/storage/sql.ts'

// On disk PGlite commits without flushing and a shared flush holds every result back
// (pglite-group-commit.ts). What must hold: nothing is returned while WAL it could have seen is
// still only in memory, and concurrent commits share fsyncs.

describe('PGlite on disk: group commit', () => {
  let dir = ''
  let sql: Sql
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'epay-group-commit-'))
    sql = await openPglite(dir)
    await sql.query('CREATE TABLE gc (id int PRIMARY KEY, note text)')
    // A reopen checks it is an EPay directory.
    await sql.query('CREATE TABLE schema_migrations (name text PRIMARY KEY)')
  }, 120_000)
  afterAll(async () => {
    await sql?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  // Evaluated before this statement's own barrier: it sees what the previous caller left. When the
  // last record ends on a WAL page boundary the insert position counts the next page's header
  // (at most 40 bytes) and the flushed one does not: that is flushed too.
  const allFlushed = async () =>
    (await sql.query<{ ok: boolean }>(
      `SELECT pg_current_wal_flush_lsn() >= pg_current_wal_insert_lsn()
           OR (pg_wal_lsn_diff(pg_current_wal_insert_lsn(), pg_current_wal_flush_lsn()) <= 40
               AND pg_wal_lsn_diff(pg_current_wal_flush_lsn(), '0/0') % 8192 = 0) AS ok`,
    ))[0]!.ok
  const walFsyncs = async () => {
    await sql.query('SELECT pg_stat_force_next_flush()')
    return Number((await sql.query<{ n: unknown }>("SELECT coalesce(sum(fsyncs), 0) AS n FROM pg_stat_io WHERE object = 'wal'"))[0]!.n)
  }

  it('starts PostgreSQL with synchronous_commit off, so the barrier is what makes commits durable', async () => {
    expect((await sql.query<{ v: string }>("SELECT current_setting('synchronous_commit') AS v"))[0]!.v).toBe('off')
  })

  it('returns a statement, a transaction and a failed one only once their WAL is flushed', async () => {
    await sql.query('INSERT INTO gc VALUES ($1, $2)', [1, 'statement'])
    expect(await allFlushed()).toBe(true)

    await sql.transaction(async (tx) => {
      await tx.query('INSERT INTO gc VALUES ($1, $2)', [2, 'transaction'])
      await tx.query('UPDATE gc SET note = $1 WHERE id = $2', ['updated', 1])
    })
    expect(await allFlushed()).toBe(true)

    await expect(sql.transaction(async (tx) => {
      await tx.query('INSERT INTO gc VALUES ($1, $2)', [3, 'rolled back'])
      throw new Error('refused')
    })).rejects.toThrow('refused')
    expect(await allFlushed()).toBe(true)

    await expect(sql.query('INSERT INTO gc VALUES ($1, $2)', [1, 'duplicate'])).rejects.toMatchObject({ code: '23505' })
    expect(await allFlushed()).toBe(true)
    expect(await sql.query('SELECT id, note FROM gc ORDER BY id')).toEqual([{ id: 1, note: 'updated' }, { id: 2, note: 'transaction' }])
  })

  it('lets concurrent commits share flushes, and reads flush nothing', async () => {
    const before = await walFsyncs()
    await Promise.all(Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? sql.query('INSERT INTO gc VALUES ($1, $2)', [100 + i, 'concurrent'])
        : sql.transaction(async (tx) => {
          await tx.query('INSERT INTO gc VALUES ($1, $2)', [100 + i, 'concurrent'])
        })))
    expect(await allFlushed()).toBe(true)
    const afterWrites = await walFsyncs()
    // One per commit without the barrier (50); a handful with it.
    expect(afterWrites - before).toBeGreaterThan(0)
    expect(afterWrites - before).toBeLessThanOrEqual(10)

    // Hint bits are set by the first read of fresh rows; with checksums off they write no WAL,
    // but read once before counting so the check is about reads alone.
    await sql.query('SELECT count(*) FROM gc')
    // One after another, so a flush per read would show as 20; one is allowed for the page-header
    // case above, which a flush's own message settles.
    const beforeReads = await walFsyncs()
    for (let i = 0; i < 20; i++) await sql.query('SELECT note FROM gc WHERE id = $1', [100 + i])
    expect(await walFsyncs() - beforeReads).toBeLessThanOrEqual(1)
  })

  it('keeps what it returned across a reopen', async () => {
    await sql.close()
    sql = await openPglite(dir)
    expect(Number((await sql.query<{ n: unknown }>("SELECT count(*) AS n FROM gc WHERE note = 'concurrent'"))[0]!.n)).toBe(50)
  }, 120_000)
})

describe('group commit barrier', () => {
  // PGlite's start-up (initdb in memory) is most of this test's time on a busy machine.
  it('resolves each caller only after a flush that started after it asked', async () => {
    const db = await PGlite.create()
    try {
      await db.exec('CREATE TABLE t (id int PRIMARY KEY)')
      let started = 0
      let finished = 0
      // The real database, with its flushes counted: flush n starts only after flush n - 1 ended.
      const counted = Object.create(db, {
        exec: { value: async (query: string) => {
          started++
          try {
            return await db.exec(query)
          } finally {
            finished++
          }
        } },
      }) as PGlite
      const durable = createGroupCommit(counted)
      const late: string[] = []
      // Callers arrive at every moment: before, during and after flushes of others.
      await Promise.all(Array.from({ length: 60 }, async (_, i) => {
        for (let k = 0; k < i % 5; k++) await new Promise((resolve) => setImmediate(resolve))
        await db.query('INSERT INTO t VALUES ($1)', [i])
        const asked = started
        await durable()
        if (finished < asked + 1) late.push(`caller ${i}: asked after flush ${asked} began, resolved after ${finished} ended`)
      }))
      expect(late).toEqual([])
      // Shared: far fewer flushes than callers.
      expect(started).toBeLessThan(30)
    } finally {
      await db.close()
    }
  }, 120_000)
})
