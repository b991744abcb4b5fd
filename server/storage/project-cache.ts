import type { Sql } from './sql.ts'

/**
 * The longest a cached project row, limit or connection is served after another process
 * changed it, when every notification of that change was lost (docs/decisions.md). A
 * notification, when it arrives, makes it milliseconds; in the writing process, zero.
 */
export const STALE_BOUND_MS = 1_000
/** From this age on, the version is re-read in the background while the cache keeps serving. */
const REFRESH_AFTER_MS = STALE_BOUND_MS / 2
/** More projects than this and the cache starts over: unknown project ids must not grow it. */
const MAX_PROJECTS = 10_000

/**
 * What request handlers keep per project in this process — its row, limits, connection —
 * read once and kept until the project changes (migration 0017).
 */
export type ProjectCache = {
  /** The `kind` value of project `projectId`: cached, or loaded with `load` (and cached). */
  read<T>(projectId: number, kind: string, load: () => Promise<T>): Promise<T>
}

/**
 * A cache trusted only while it can prove it is current: every entry is dropped by the NOTIFY
 * of a change to its project, and the whole cache by a version it has not seen. Entries are
 * served only within STALE_BOUND_MS of the start of a version check that found nothing missed,
 * so a dead listener, a lost notification or a database that cannot be reached never keeps a
 * rotated secret or a changed limit working longer than that.
 * Hint: every drop starts a new generation, and a load begun in an older one is returned but
 * not kept: it may have read the row before the change that dropped it.
 */
export function createProjectCache(sql: Sql, options: { now?: () => number } = {}): ProjectCache {
  const now = options.now ?? (() => performance.now())
  const entries = new Map<number, Map<string, unknown>>()
  let generation = 0
  let known: number | undefined
  let schema: string | undefined
  let checkedAt = Number.NEGATIVE_INFINITY
  let checking: Promise<void> | undefined
  let subscribed = false

  const dropAll = () => {
    generation++
    entries.clear()
  }
  const drop = (projectId: number) => {
    generation++
    entries.delete(projectId)
  }
  const onNotify = (payload: string) => {
    const change = parseChange(payload)
    if (!change) return dropAll()
    // Another schema of the same database (test suites) changes nothing here.
    if (schema !== undefined && change.schema !== schema) return
    // The version is left to the checks: a notification read does not prove none was missed.
    if (change.project === null) dropAll()
    else drop(change.project)
  }
  const onGap = () => {
    dropAll()
    checkedAt = Number.NEGATIVE_INFINITY
  }

  const check = (): Promise<void> => {
    checking ??= (async () => {
      const started = now()
      const rows = await sql.query<{ version: unknown; schema: unknown }>('SELECT version, current_schema() AS schema FROM project_change_version')
      const version = Number(rows[0]?.version)
      if (!Number.isSafeInteger(version)) throw new Error('project_change_version is missing')
      schema = String(rows[0]?.schema)
      if (known === undefined || version > known) {
        dropAll()
        known = version
      }
      checkedAt = Math.max(checkedAt, started)
    })().finally(() => {
      checking = undefined
    })
    return checking
  }
  const trusted = () => now() - checkedAt < STALE_BOUND_MS

  return {
    async read<T>(projectId: number, kind: string, load: () => Promise<T>): Promise<T> {
      if (!subscribed) {
        subscribed = true
        sql.listen('epay_project_changes', { onNotify, onGap })
      }
      if (!trusted()) {
        // Nothing cached can be vouched for: prove it current first, or go to the database.
        await check().catch(() => undefined)
        if (!trusted()) return load()
      } else if (now() - checkedAt >= REFRESH_AFTER_MS) {
        check().catch(() => undefined)
      }
      const cached = entries.get(projectId)
      if (cached?.has(kind)) return cached.get(kind) as T
      const startedIn = generation
      const value = await load()
      if (startedIn === generation && trusted()) {
        if (!entries.has(projectId) && entries.size >= MAX_PROJECTS) dropAll()
        else {
          const kinds = entries.get(projectId) ?? new Map<string, unknown>()
          entries.set(projectId, kinds.set(kind, value))
        }
      }
      return value
    },
  }
}

function parseChange(payload: string): { schema: string; project: number | null } | undefined {
  try {
    const parsed = JSON.parse(payload) as { schema?: unknown; project?: unknown }
    const project = parsed.project === null ? null : Number(parsed.project)
    if (typeof parsed.schema !== 'string' || (project !== null && !Number.isSafeInteger(project))) return undefined
    return { schema: parsed.schema, project }
  } catch {
    return undefined
  }
}
