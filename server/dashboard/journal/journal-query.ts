import type { Sql } from '../../storage/sql.ts'
import { toJournalRow, type JournalRow } from './journal-store.ts'

/** Filters of the journal screen and its CSV export. */
export type JournalFilter = {
  /** `undefined`: every organisation (platform operators). */
  orgId: string | null | undefined
  /** Projects the reader is narrowed to: rows of other projects are hidden. */
  projectScope: number[] | null
  from?: Date
  to?: Date
  user?: string
  action?: string
  project?: number
  /** Rows older than this id (keyset paging, newest first). */
  before?: string
}

/** A page of journal rows, newest first, by keyset (never OFFSET). */
export async function queryJournal(sql: Sql, f: JournalFilter, limit: number): Promise<JournalRow[]> {
  const where: string[] = []
  const params: unknown[] = []
  const add = (clause: string, value: unknown) => {
    params.push(value)
    where.push(clause.replace('?', `$${params.length}`))
  }
  if (f.orgId !== undefined) {
    if (f.orgId === null) where.push('org_id IS NULL')
    else add('org_id = ?', f.orgId)
  }
  if (f.projectScope) add('(project_id IS NULL OR project_id = ANY(?::bigint[]))', f.projectScope)
  if (f.from) add('at >= ?', f.from)
  if (f.to) add('at < ?', f.to)
  if (f.user) add('actor_email = ?', f.user.toLowerCase())
  if (f.action) add('action = ?', f.action)
  if (f.project !== undefined) add('project_id = ?', f.project)
  if (f.before) add('id < ?', f.before)
  params.push(limit)
  const rows = await sql.query(
    `SELECT * FROM journal ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  )
  return rows.map(toJournalRow)
}
