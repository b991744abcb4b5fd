import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createPreparedRunner } from '../../../server/storage/pglite-prepared.ts'
import { openPglite } from '../../../server/storage/pglite.ts'
import type { Sql } from '../../../server/storage/sql.ts'

// The prepared-statement path replaces PGlite.query for every statement with parameters, so it
// must answer exactly as PGlite.query does: rows and types, errors with their codes, and never
// a statement run inside another caller's open transaction.
describe('prepared statements on PGlite', () => {
  let db: PGlite
  beforeAll(async () => {
    db = await PGlite.create()
    await db.exec(`CREATE TABLE items (id int PRIMARY KEY, name text, amount bigint, at timestamptz, tags text[], doc jsonb)`)
  })
  afterAll(() => db?.close())

  const prepared = async () => (await db.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map((r) => r.name)

  it('answers as PGlite.query does, nulls, dates, arrays and JSON included', async () => {
    const run = createPreparedRunner(db)
    const at = new Date('2030-01-15T10:00:00.123Z')
    const insert = 'INSERT INTO items VALUES ($1, $2, $3, $4, $5, $6) RETURNING *'
    const mine = await run(insert, [1, 'one', 1999, at, ['a', 'b'], JSON.stringify({ k: 1 })], false)
    const theirs = await db.query(insert, [2, null, 5, at, [], JSON.stringify({ k: 2 })])
    expect(mine).toEqual([{ id: 1, name: 'one', amount: 1999, at, tags: ['a', 'b'], doc: { k: 1 } }])
    expect(await run('SELECT * FROM items WHERE id = $1', [2], false)).toEqual(theirs.rows)
    expect(await run('UPDATE items SET name = $2 WHERE id = $1', [2, 'two'], false)).toEqual([])
  })

  it('keeps the error and its code, and the statement stays usable', async () => {
    const run = createPreparedRunner(db)
    const insert = 'INSERT INTO items (id, name) VALUES ($1, $2)'
    await run(insert, [10, 'ten'], false)
    await expect(run(insert, [10, 'again'], false)).rejects.toMatchObject({ code: '23505' })
    await run(insert, [11, 'eleven'], false)
    expect(await run('SELECT name FROM items WHERE id = $1', [11], false)).toEqual([{ name: 'eleven' }])
    await expect(run('SELECT nope FROM items WHERE id = $1', [1], false)).rejects.toMatchObject({ code: '42703' })
  })

  it('closes the least recently used statement beyond its capacity', async () => {
    await db.query('DEALLOCATE ALL')
    const run = createPreparedRunner(db, 2)
    await run('SELECT $1::int AS a', [1], false)
    await run('SELECT $1::int AS b', [1], false)
    await run('SELECT $1::int AS a', [1], false) // a is now the most recent
    await run('SELECT $1::int AS c', [1], false) // evicts b, closed with the next exchange
    await run('SELECT $1::int AS a', [1], false)
    const names = await prepared()
    expect(names).toHaveLength(2)
    expect(await run('SELECT $1::int AS b', [7], false)).toEqual([{ b: 7 }])
  })

  it('prepares a text once when two callers ask for it at the same time', async () => {
    await db.query('DEALLOCATE ALL')
    const run = createPreparedRunner(db)
    const rows = await Promise.all([1, 2, 3].map((n) => run('SELECT $1::int AS n', [n], false)))
    expect(rows).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]])
    expect(await prepared()).toHaveLength(1)
  })

  it('runs a statement outside a transaction only after another caller\'s transaction ends', async () => {
    const run = createPreparedRunner(db)
    let outside: Promise<unknown> | undefined
    await expect(db.transaction(async (tx) => {
      await run('INSERT INTO items (id, name) VALUES ($1, $2)', [20, 'in a transaction'], true)
      outside = run('INSERT INTO items (id, name) VALUES ($1, $2)', [21, 'outside'], false)
      await new Promise((r) => setTimeout(r, 50))
      await tx.rollback()
    })).resolves.toBeUndefined()
    await outside
    expect(await run('SELECT id FROM items WHERE id = ANY($1) ORDER BY id', [[20, 21]], false)).toEqual([{ id: 21 }])
  })

  it('refuses a statement on a transaction that has ended, and on a closed database', async () => {
    const sql = await openPglite(undefined)
    let ended: Sql | undefined
    await sql.transaction(async (tx) => {
      ended = tx
      await tx.query('SELECT $1::int AS n', [1])
    })
    await expect(ended!.query('SELECT $1::int AS n', [2])).rejects.toThrow('Transaction is closed')
    await sql.close()
    await expect(sql.query('SELECT $1::int AS n', [3])).rejects.toThrow()
  })

  it('prepares again a statement whose table changed its columns (0A000)', async () => {
    const run = createPreparedRunner(db)
    const select = 'SELECT * FROM items WHERE id = $1'
    await run(select, [1], false)
    await db.exec('ALTER TABLE items ADD COLUMN note text')
    await run(select, [1], false).catch((error: unknown) => expect(error).toMatchObject({ code: '0A000' }))
    expect((await run(select, [1], false))[0]).toHaveProperty('note', null)
  })
})
