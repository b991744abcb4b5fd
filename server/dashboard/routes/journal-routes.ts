import type { Hono } from 'hono'
import * as v from 'valibot'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { JournalEntry, JournalQuerySchema } from '../../../protocol/schemas/dashboard/journal.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardUser } from '../access/dashboard-user.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { queryJournal, type JournalFilter } from '../journal/journal-query.ts'
import { chainOf, type JournalRow } from '../journal/journal-store.ts'
import { verifyJournal } from '../journal/verify-journal.ts'

const PAGE = 50
const EXPORT_MAX = 100_000

/** The journal screen: filtered pages, the chain check and a CSV export (SPEC §14). */
export function journalRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  const read = { auth: 'user', permission: 'journal.read' } as const

  mount(app, deps, ENDPOINTS.journal, read, async ({ user, query }) => {
    const rows = await queryJournal(deps.sql, filterFor(user!, query), PAGE + 1)
    return { entries: rows.slice(0, PAGE).map(toEntry), next_cursor: rows.length > PAGE ? rows[PAGE - 1]!.id : null }
  })

  mount(app, deps, ENDPOINTS.verifyJournal, read, async ({ user }) =>
    verifyJournal(deps.sql, user!.role === 'platform' ? undefined : chainOf(user!.orgId)),
  )

  mount(app, deps, ENDPOINTS.exportJournal, read, async ({ c, user, query, entry }) => {
    const filter = filterFor(user!, query)
    await journal(deps, entry({ action: 'journal_exported', after: { ...query } }))
    const encoder = new TextEncoder()
    let before = filter.before
    let sent = 0
    // Streamed page by page (keyset), so memory stays flat however long the period.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode('\ufeff' + csvLine(['time', 'user', 'action', 'project', 'target', 'address', 'user agent', 'before', 'after']) ))
      },
      async pull(controller) {
        const rows = await queryJournal(deps.sql, { ...filter, ...(before ? { before } : {}) }, 1000)
        for (const r of rows) {
          controller.enqueue(encoder.encode(csvLine([r.at.toISOString(), r.actorEmail ?? '', r.action, r.projectId ?? '', r.target ?? '', r.ip ?? '', r.userAgent ?? '', r.before ?? '', r.after ?? ''])))
        }
        sent += rows.length
        before = rows.at(-1)?.id
        if (rows.length < 1000 || sent >= EXPORT_MAX) controller.close()
      },
    })
    c.header('Content-Type', 'text/csv; charset=utf-8')
    c.header('Content-Disposition', 'attachment; filename="epay-journal.csv"')
    return c.body(stream)
  })
}

function filterFor(user: DashboardUser, q: v.InferOutput<typeof JournalQuerySchema>): JournalFilter {
  return {
    orgId: user.role === 'platform' ? undefined : user.orgId,
    projectScope: user.projectIds,
    ...(q.from ? { from: new Date(q.from) } : {}),
    ...(q.to ? { to: new Date(q.to) } : {}),
    ...(q.user ? { user: q.user } : {}),
    ...(q.action ? { action: q.action } : {}),
    ...(q.project !== undefined ? { project: q.project } : {}),
    ...(q.cursor ? { before: q.cursor } : {}),
  }
}

function toEntry(r: JournalRow): JournalEntry {
  return {
    id: r.id, at: r.at.toISOString(), actor_id: r.actorId, actor_email: r.actorEmail, ip: r.ip, user_agent: r.userAgent,
    action: r.action, project_id: r.projectId, target: r.target,
    before: r.before === null ? null : (JSON.parse(r.before) as unknown), after: r.after === null ? null : (JSON.parse(r.after) as unknown),
  }
}

/**
 * One CSV line (RFC 4180). A cell starting with = + - @ or a tab is prefixed with `'`, so a
 * spreadsheet opening the export never runs an email address or user agent as a formula.
 */
export function csvLine(cells: Array<string | number>): string {
  return cells.map((cell) => {
    let text = String(cell)
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }).join(',') + '\r\n'
}
