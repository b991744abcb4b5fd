import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { transactionRetryingDeadlocks, type Sql } from '../../../server/storage/sql.ts'
import { openPostgresSchema } from '../../fixtures/databases.ts'

const url = process.env['DATABASE_URL']

// What only PostgreSQL's several connections can do to each other (PGlite has one connection):
// two transactions that lock two rows in opposite orders deadlock, and the server aborts one of
// them (40P01); two servers starting at once both try to add a home zone.
describe.runIf(url)('concurrent transactions on PostgreSQL', () => {
  let sql: Sql
  beforeAll(async () => {
    sql = await openPostgresSchema(url!, 4)
    await sql.query('CREATE TABLE deadlock_rows (id int PRIMARY KEY, n int NOT NULL)')
    await sql.query('INSERT INTO deadlock_rows VALUES (1, 0), (2, 0)')
  })
  afterAll(() => sql?.close())

  /** Two transactions that each lock one row, wait for the other to lock its own, then ask for the other's. */
  async function crossedPair(run: (fn: (tx: Sql) => Promise<void>) => Promise<void>) {
    let locked = 0
    const bothLocked = new Promise<void>((resolve) => {
      const check = setInterval(() => locked >= 2 && (clearInterval(check), resolve()), 5)
    })
    const attempts = { 1: 0, 2: 0 }
    const txn = (first: 1 | 2, second: 1 | 2) => run(async (tx) => {
      attempts[first]++
      await tx.query('UPDATE deadlock_rows SET n = n + 1 WHERE id = $1', [first])
      // Only the first attempts cross; a retry runs once the other has committed or failed.
      if (attempts[first] === 1) {
        locked++
        await bothLocked
      }
      await tx.query('UPDATE deadlock_rows SET n = n + 1 WHERE id = $1', [second])
    })
    const results = await Promise.allSettled([txn(1, 2), txn(2, 1)])
    return { results, attempts }
  }

  it('runs a deadlock\'s victim again, so both commit, each once', async () => {
    const { results, attempts } = await crossedPair((fn) => transactionRetryingDeadlocks(sql, fn))
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled'])
    // At least one retry. Under load the victim's retry can take row 1 back before the winner
    // wakes, and the pair deadlocks again; what must hold is that each body commits once (below).
    expect(attempts[1] + attempts[2]).toBeGreaterThanOrEqual(3)
    expect(await sql.query('SELECT id, n FROM deadlock_rows ORDER BY id')).toEqual([{ id: 1, n: 2 }, { id: 2, n: 2 }])
  })

  it('without the retry, the victim fails with 40P01 (what the retry is for)', async () => {
    await sql.query('UPDATE deadlock_rows SET n = 0')
    const { results } = await crossedPair((fn) => sql.transaction(fn))
    const rejected = results.filter((r) => r.status === 'rejected')
    expect(rejected).toHaveLength(1)
    expect((rejected[0] as PromiseRejectedResult).reason).toMatchObject({ code: '40P01' })
  })

  // Two servers starting at once with a new EPAY_HOME_ZONES zone: SHARE locks do not exclude
  // each other, so both pass the first look; the second must find the zone kept, not fail.
  it('lets a second server add the zone the first is adding: it finds it kept', async () => {
    let second: Promise<Array<{ added: boolean }>> | undefined
    const first = await sql.transaction(async (tx) => {
      const [row] = await tx.query<{ added: boolean }>(`SELECT home_keep_zone('Europe/Berlin') AS added`)
      second = sql.query<{ added: boolean }>(`SELECT home_keep_zone('Europe/Berlin') AS added`)
      // The second has passed its look and waits on the first's uncommitted row.
      await new Promise((r) => setTimeout(r, 300))
      return row!.added
    })
    expect(first).toBe(true)
    expect((await second!)[0]!.added).toBe(false)
    expect(await sql.query(`SELECT zone FROM home_zones`)).toEqual([{ zone: 'Europe/Berlin' }])
  })

  // With no zone kept a payment's writes must not pay for the aggregates' triggers at all.
  it('runs the aggregates\' triggers only while a zone is kept', async () => {
    const enabled = async () => (await sql.query<{ tgenabled: string }>(
      `SELECT DISTINCT tgenabled FROM pg_trigger WHERE tgname LIKE '%home_d%' AND tgname NOT LIKE '%truncated'
         AND tgrelid IN ('payments'::regclass, 'operations'::regclass, 'ledger_postings'::regclass)`)).map((r) => r.tgenabled)
    expect(await enabled()).toEqual(['O'])
    await sql.query(`SELECT home_forget_zone('Europe/Berlin')`)
    expect(await enabled()).toEqual(['D'])
    await sql.query(`SELECT home_keep_zone('Asia/Kathmandu')`)
    expect(await enabled()).toEqual(['O'])
  })
})
