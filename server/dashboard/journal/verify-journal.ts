import { toSafeInt, type Sql } from '../../storage/sql.ts'
import { genesisHash, rowHash, toJournalRow } from './journal-store.ts'

export type JournalProblem = { chain: string; seq: number; reason: string }

/**
 * Walks every chain (or the one given) from its first row to its head: each row must follow the
 * previous one by seq, point at its hash and hash to what it stores; the last must match the
 * head. A row edited, removed or inserted is named with its chain and position.
 * Hint: someone who can rewrite the table and its head together can rebuild a consistent
 * chain; copy `journal_heads` elsewhere (or export regularly) to catch that too.
 */
export async function verifyJournal(sql: Sql, only?: string): Promise<{ ok: boolean; checked: number; problems: JournalProblem[] }> {
  const heads = only === undefined
    ? await sql.query<{ chain: string; seq: unknown; hash: string }>('SELECT chain, seq, hash FROM journal_heads ORDER BY chain')
    : await sql.query<{ chain: string; seq: unknown; hash: string }>('SELECT chain, seq, hash FROM journal_heads WHERE chain = $1', [only])
  const problems: JournalProblem[] = []
  let checked = 0
  const known = new Set(heads.map((h) => h.chain))
  const strays = await sql.query<{ chain: string; seq: unknown }>('SELECT DISTINCT ON (chain) chain, seq FROM journal ORDER BY chain, seq')
  for (const s of strays) if (!known.has(s.chain) && (only === undefined || s.chain === only)) problems.push({ chain: s.chain, seq: toSafeInt(s.seq, 'seq'), reason: 'rows without a chain head' })
  for (const head of heads) {
    let expectedSeq = 1
    let prev = genesisHash(head.chain)
    for (;;) {
      const rows = (await sql.query('SELECT * FROM journal WHERE chain = $1 AND seq >= $2 ORDER BY seq LIMIT 1000', [head.chain, expectedSeq])).map(toJournalRow)
      for (const row of rows) {
        checked++
        if (row.seq !== expectedSeq) {
          problems.push({ chain: head.chain, seq: expectedSeq, reason: `row ${expectedSeq}${row.seq - expectedSeq > 1 ? `–${row.seq - 1}` : ''} is missing` })
        } else if (row.prevHash !== prev) {
          problems.push({ chain: head.chain, seq: row.seq, reason: 'does not point at the previous row' })
        }
        if (rowHash(row) !== row.hash) problems.push({ chain: head.chain, seq: row.seq, reason: 'was changed after it was written' })
        prev = row.hash
        expectedSeq = row.seq + 1
      }
      if (rows.length < 1000) break
    }
    const headSeq = toSafeInt(head.seq, 'seq')
    if (expectedSeq - 1 !== headSeq) problems.push({ chain: head.chain, seq: headSeq, reason: `the chain ends at row ${expectedSeq - 1} but its head says ${headSeq}: rows at the end were removed` })
    else if (prev !== head.hash) problems.push({ chain: head.chain, seq: headSeq, reason: 'the last row does not match the chain head' })
  }
  return { ok: problems.length === 0, checked, problems }
}
