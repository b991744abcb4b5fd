import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../../server/storage/sql.ts'
import { openPostgresSchema } from '../../fixtures/databases.ts'

const url = process.env['DATABASE_URL']

// Statements with parameters run as named prepared statements on PostgreSQL. What must hold:
// they are prepared (not parsed each time), and a table that gains a column under them — another
// process's migration during a rolling deploy — costs at most one failed transaction, never a
// statement that stays broken on the connections that prepared it.
describe.runIf(url)('prepared statements on PostgreSQL', () => {
  let sql: Sql
  beforeAll(async () => {
    sql = await openPostgresSchema(url!, 2)
    await sql.query('CREATE TABLE prepared_rows (id int PRIMARY KEY, name text)')
    await sql.query(`INSERT INTO prepared_rows VALUES (1, 'one'), (2, 'two')`)
  })
  afterAll(() => sql?.close())

  it('prepares a statement with parameters once per connection, and leaves one without unnamed', async () => {
    const names = await sql.transaction(async (tx) => {
      // Named from its third use: the first two run unnamed.
      for (const id of [1, 2]) await tx.query('SELECT name FROM prepared_rows WHERE id = $1', [id])
      expect(await tx.query(`SELECT name FROM pg_prepared_statements WHERE statement LIKE '%prepared_rows%'`)).toEqual([])
      for (const id of [1, 2]) await tx.query('SELECT name FROM prepared_rows WHERE id = $1', [id])
      await tx.query('SELECT count(*) FROM prepared_rows')
      return tx.query<{ name: string; statement: string }>(`SELECT name, statement FROM pg_prepared_statements WHERE statement LIKE '%prepared_rows%'`)
    })
    expect(names).toEqual([{ name: expect.stringMatching(/^epay_[0-9a-f]{24}_\d+$/), statement: 'SELECT name FROM prepared_rows WHERE id = $1' }])
  })

  it('reads a `SELECT *` again after its table gained a column, outside a transaction at once', async () => {
    const select = 'SELECT * FROM prepared_rows WHERE id = $1'
    // Named (third use), then prepared on both pooled connections.
    for (let i = 0; i < 3; i++) await sql.query(select, [1])
    await Promise.all([sql.query(select, [1]), sql.query(select, [2])])
    await sql.query('ALTER TABLE prepared_rows ADD COLUMN note text')
    const rows = await Promise.all([sql.query(select, [1]), sql.query(select, [2]), sql.query(select, [1])])
    expect(rows.map((r) => r[0])).toEqual([{ id: 1, name: 'one', note: null }, { id: 2, name: 'two', note: null }, { id: 1, name: 'one', note: null }])
  })

  it('inside a transaction fails it once (rolled back whole), then runs under the new name', async () => {
    const select = 'SELECT * FROM prepared_rows WHERE id = $1'
    await Promise.all([sql.query(select, [1]), sql.query(select, [2])])
    await sql.query('ALTER TABLE prepared_rows ADD COLUMN tag text')
    const write = (name: string) => sql.transaction(async (tx) => {
      await tx.query('UPDATE prepared_rows SET name = $2 WHERE id = $1', [2, name])
      return tx.query(select, [2])
    })
    await expect(write('rolled back')).rejects.toMatchObject({ code: '0A000' })
    expect((await write('kept'))[0]).toEqual({ id: 2, name: 'kept', note: null, tag: null })
    expect(await sql.query('SELECT name FROM prepared_rows WHERE id = $1', [2])).toEqual([{ name: 'kept' }])
  })
})
