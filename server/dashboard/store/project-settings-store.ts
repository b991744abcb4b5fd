import type { ProjectSettings } from '../../../protocol/schemas/dashboard/projects.ts'
import { PAGE_METHODS, type Theme } from '../../../protocol/schemas/page-api.ts'
import { optional, optionalDate, toSafeInt, type Sql } from '../../storage/sql.ts'

/** A project as the dashboard shows it: the settings, its organisation, never the secret. */
export type DashboardProject = {
  id: number
  orgId: string | null
  name: string
  testMode: boolean
  callbackUrl: string | null
  allowedOrigins: string[]
  returnHosts: string[]
  methods: Array<'card' | 'jeton'>
  theme: Theme | null
  previousSecretValidUntil: Date | null
  createdAt: Date
}

const list = (value: unknown): string[] => {
  const parsed = typeof value === 'string' ? JSON.parse(value) : value
  return Array.isArray(parsed) ? parsed.map(String) : []
}

function toDashboardProject(r: Record<string, unknown>): DashboardProject {
  const methods = r['methods'] === null || r['methods'] === undefined ? [...PAGE_METHODS] : list(r['methods'])
  return {
    id: toSafeInt(r['id'], 'id'),
    orgId: optional(r['org_id']) ?? null,
    name: String(r['name']),
    testMode: Boolean(r['test_mode']),
    callbackUrl: optional(r['callback_url']) ?? null,
    allowedOrigins: list(r['allowed_origins']),
    returnHosts: list(r['return_hosts']),
    methods: methods.filter((m): m is 'card' | 'jeton' => (PAGE_METHODS as readonly string[]).includes(m)),
    theme: r['theme'] ? (JSON.parse(String(r['theme'])) as Theme) : null,
    previousSecretValidUntil: optionalDate(r['previous_secret_valid_until']) ?? null,
    createdAt: new Date(r['created_at'] as string),
  }
}

/** Reads projects for the dashboard and writes the settings its project screen edits. */
export function createProjectSettingsStore(sql: Sql) {
  return {
    async get(id: number): Promise<DashboardProject | undefined> {
      const rows = await sql.query('SELECT * FROM projects WHERE id = $1', [id])
      return rows[0] ? toDashboardProject(rows[0]) : undefined
    },
    /** Projects of an organisation (or of all, `undefined`), narrowed to `scope` when given. */
    async list(orgId: string | undefined, scope: number[] | null): Promise<DashboardProject[]> {
      const params: unknown[] = []
      const where: string[] = []
      if (orgId !== undefined) where.push(`org_id = $${params.push(orgId)}`)
      if (scope !== null) where.push(`id = ANY($${params.push(scope)}::bigint[])`)
      const rows = await sql.query(`SELECT * FROM projects ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY name, id LIMIT 1000`, params)
      return rows.map(toDashboardProject)
    },
    /** Writes settings already validated by ProjectSettingsSchema (the caller merges and checks). */
    async update(id: number, s: ProjectSettings): Promise<DashboardProject> {
      const rows = await sql.query(
        `UPDATE projects SET name = $2, callback_url = $3, allowed_origins = $4, return_hosts = $5, methods = $6, theme = $7
         WHERE id = $1 RETURNING *`,
        [id, s.name, s.callback_url, JSON.stringify(s.allowed_origins), JSON.stringify(s.return_hosts), JSON.stringify(s.methods), s.theme ? JSON.stringify(s.theme) : null],
      )
      return toDashboardProject(rows[0]!)
    },
    /** A free project id for a new project: random six digits, like the ids merchants already know. */
    async freeId(random: () => number): Promise<number> {
      for (let i = 0; i < 20; i++) {
        const id = random()
        if ((await sql.query('SELECT 1 FROM projects WHERE id = $1', [id])).length === 0) return id
      }
      throw new Error('no free project id found')
    },
  }
}
export type ProjectSettingsStore = ReturnType<typeof createProjectSettingsStore>

/** The settings part of a project, as ProjectSettingsSchema describes it. */
export function settingsOf(p: DashboardProject): ProjectSettings {
  return { name: p.name, callback_url: p.callbackUrl, allowed_origins: p.allowedOrigins, return_hosts: p.returnHosts, methods: p.methods, theme: p.theme }
}
