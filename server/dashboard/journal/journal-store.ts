import { createHash } from 'node:crypto'
import type { JournalAction } from '../../../protocol/schemas/dashboard/journal.ts'
import { toSafeInt, type Sql } from '../../storage/sql.ts'
import { canonicalJson } from './canonical-json.ts'

/** One thing that happened, as the code reports it. */
export type JournalInput = {
  at: Date
  orgId: string | null
  actorId: string | null
  actorEmail: string | null
  ip: string | null
  userAgent: string | null
  action: JournalAction
  projectId?: number | null
  target?: string | null
  before?: unknown
  after?: unknown
}

/** A stored journal row. */
export type JournalRow = Required<Omit<JournalInput, 'before' | 'after'>> & {
  id: string
  chain: string
  seq: number
  before: string | null
  after: string | null
  prevHash: string
  hash: string
}

/** The chain a row joins: one per organisation, `platform` for rows of no organisation. */
export const chainOf = (orgId: string | null) => orgId ?? 'platform'
/** What the first row of a chain points back to. */
export const genesisHash = (chain: string) => createHash('sha256').update(`epay-journal:${chain}`).digest('hex')

/** The hash of a row: SHA-256 over every field in a fixed order and the previous row's hash. */
export function rowHash(r: Omit<JournalRow, 'id' | 'hash'>): string {
  const fields = [r.chain, r.seq, r.at.toISOString(), r.orgId, r.actorId, r.actorEmail, r.ip, r.userAgent, r.action, r.projectId, r.target, r.before, r.after, r.prevHash]
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex')
}

export function toJournalRow(r: Record<string, unknown>): JournalRow {
  const text = (k: string) => (r[k] === null || r[k] === undefined ? null : String(r[k]))
  return {
    id: String(r['id']),
    chain: String(r['chain']),
    seq: toSafeInt(r['seq'], 'seq'),
    at: new Date(r['at'] as string),
    orgId: text('org_id'),
    actorId: text('actor_id'),
    actorEmail: text('actor_email'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    action: String(r['action']) as JournalAction,
    projectId: r['project_id'] === null ? null : toSafeInt(r['project_id'], 'project_id'),
    target: text('target'),
    before: text('before'),
    after: text('after'),
    prevHash: String(r['prev_hash']),
    hash: String(r['hash']),
  }
}

/**
 * Appends a row inside the caller's transaction `tx`, so the journal entry commits or rolls back
 * with the change it describes. The chain head's row lock makes concurrent appends take turns.
 */
export async function appendJournal(tx: Sql, input: JournalInput): Promise<JournalRow> {
  const chain = chainOf(input.orgId)
  await tx.query('INSERT INTO journal_heads (chain, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain) DO NOTHING', [chain, genesisHash(chain)])
  const head = (await tx.query<{ seq: unknown; hash: string }>('SELECT seq, hash FROM journal_heads WHERE chain = $1 FOR UPDATE', [chain]))[0]!
  const row: Omit<JournalRow, 'id' | 'hash'> = {
    chain,
    seq: toSafeInt(head.seq, 'seq') + 1,
    // Millisecond precision, so the time read back hashes the same.
    at: new Date(input.at.getTime()),
    orgId: input.orgId,
    actorId: input.actorId,
    actorEmail: input.actorEmail,
    ip: input.ip?.slice(0, 100) ?? null,
    userAgent: input.userAgent?.slice(0, 400) ?? null,
    action: input.action,
    projectId: input.projectId ?? null,
    target: input.target ?? null,
    before: input.before === undefined ? null : canonicalJson(input.before),
    after: input.after === undefined ? null : canonicalJson(input.after),
    prevHash: head.hash,
  }
  const hash = rowHash(row)
  const inserted = await tx.query(
    `INSERT INTO journal (chain, seq, at, org_id, actor_id, actor_email, ip, user_agent, action, project_id, target, before, after, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
    [row.chain, row.seq, row.at, row.orgId, row.actorId, row.actorEmail, row.ip, row.userAgent, row.action, row.projectId, row.target, row.before, row.after, row.prevHash, hash],
  )
  await tx.query('UPDATE journal_heads SET seq = $2, hash = $3 WHERE chain = $1', [chain, row.seq, hash])
  return { ...row, id: String(inserted[0]!['id']), hash }
}

/** Appends one row in a transaction of its own (for events that change nothing else: sign-ins, failures). */
export function journalOn(sql: Sql) {
  return (input: JournalInput) => sql.transaction((tx) => appendJournal(tx, input))
}
