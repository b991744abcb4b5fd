import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { appendJournal, type JournalInput } from '../../../server/dashboard/journal/journal-store.ts'
import { verifyJournal } from '../../../server/dashboard/journal/verify-journal.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'

const entry = (n: number, orgId: string | null = 'org_test1'): JournalInput => ({
  at: new Date(Date.UTC(2030, 0, 1, 0, n)), orgId, actorId: 'usr_abcd', actorEmail: 'a@b.example', ip: '192.0.2.1', userAgent: 'ua',
  action: 'project_updated', projectId: 7, target: null, before: { name: `v${n}` }, after: { name: `v${n + 1}` },
})

// An attacker with DDL rights drops the append-only rules first, as they would.
const unlock = (sql: Sql) => sql.query('DROP RULE journal_no_update ON journal').then(() => sql.query('DROP RULE journal_no_delete ON journal'))

describe.each(testDatabases())('journal hash chain ($name)', (db) => {
  let sql: Sql
  beforeAll(async () => {
    sql = await db.open()
  })
  afterAll(() => sql.close())
  beforeEach(async () => {
    // A fresh journal for each case; TRUNCATE is not subject to the rules, and they come back.
    await sql.query('TRUNCATE journal, journal_heads')
    await sql.query('CREATE OR REPLACE RULE journal_no_update AS ON UPDATE TO journal DO INSTEAD NOTHING')
    await sql.query('CREATE OR REPLACE RULE journal_no_delete AS ON DELETE TO journal DO INSTEAD NOTHING')
    for (let n = 1; n <= 5; n++) await sql.transaction((tx) => appendJournal(tx, entry(n)))
    await sql.transaction((tx) => appendJournal(tx, entry(9, null)))
  })

  it('verifies an untouched journal, chain by chain', async () => {
    expect(await verifyJournal(sql)).toEqual({ ok: true, checked: 6, problems: [] })
    expect((await verifyJournal(sql, 'platform')).checked).toBe(1)
  })

  it('ignores UPDATE and DELETE from the application (append-only rules)', async () => {
    await sql.query("UPDATE journal SET actor_email = 'x@y.example'")
    await sql.query('DELETE FROM journal')
    expect(await verifyJournal(sql)).toEqual({ ok: true, checked: 6, problems: [] })
  })

  it('detects an edited row', async () => {
    await unlock(sql)
    await sql.query(`UPDATE journal SET after = '{"name":"forged"}' WHERE chain = 'org_test1' AND seq = 3`)
    const result = await verifyJournal(sql)
    expect(result.ok).toBe(false)
    expect(result.problems).toEqual([{ chain: 'org_test1', seq: 3, reason: 'was changed after it was written' }])
  })

  it('detects a deleted row in the middle and at the end', async () => {
    await unlock(sql)
    await sql.query("DELETE FROM journal WHERE chain = 'org_test1' AND seq = 2")
    expect((await verifyJournal(sql)).problems).toEqual([{ chain: 'org_test1', seq: 2, reason: 'row 2 is missing' }])
    await sql.query("DELETE FROM journal WHERE chain = 'platform'")
    expect((await verifyJournal(sql)).problems).toContainEqual({ chain: 'platform', seq: 1, reason: 'the chain ends at row 0 but its head says 1: rows at the end were removed' })
  })

  it('detects a row rewritten with a recomputed hash, because the next row still points at the old one', async () => {
    await unlock(sql)
    const rows = await sql.query<{ hash: string }>("SELECT hash FROM journal WHERE chain = 'org_test1' ORDER BY seq")
    await sql.query(`UPDATE journal SET hash = 'f00d', after = '{}' WHERE chain = 'org_test1' AND seq = 4`)
    const problems = (await verifyJournal(sql)).problems
    expect(problems).toContainEqual({ chain: 'org_test1', seq: 4, reason: 'was changed after it was written' })
    expect(problems).toContainEqual({ chain: 'org_test1', seq: 5, reason: 'does not point at the previous row' })
    expect(rows).toHaveLength(5)
  })
})
