import { randomBytes } from 'node:crypto'
import * as v from 'valibot'
import { ProjectSettingsSchema } from '../../protocol/schemas/dashboard/projects.ts'
import { PAGE_METHODS } from '../../protocol/schemas/page-api.ts'
import { PaymentError } from '../domain/errors.ts'
import { parseOrigin } from '../domain/origin.ts'
import type { Project, ProjectStore } from '../domain/ports.ts'
import type { ProjectCache } from './project-cache.ts'
import { optional, toSafeInt, type Sql } from './sql.ts'

/** What `project add` takes (SPEC §2). */
export type NewProject = {
  id: number
  name: string
  secret?: string
  callbackUrl?: string
  allowedOrigins?: string[]
  returnHosts?: string[]
  testMode?: boolean
  /** The organisation (SPEC §14); without one the project joins "Default", created when needed. */
  orgId?: string
}

/** The organisation projects join when none is named (`project add` without `--org`). */
export const DEFAULT_ORG_ID = 'org_default'

/** How long an old secret keeps verifying after `rotate-secret`, so merchants can redeploy. */
export const SECRET_GRACE_MS = 24 * 60 * 60 * 1000

/** Project storage: lookups for requests plus the administration the CLI needs. */
export type ProjectAdmin = ProjectStore & {
  add(project: NewProject): Promise<Project>
  list(): Promise<Project[]>
  /** A new secret signs at once; the old one verifies for SECRET_GRACE_MS, or not at all with `revokeOld`. */
  rotateSecret(id: number, now: Date, options?: { revokeOld?: boolean }): Promise<Project>
}

/** A fresh project secret from the CSPRNG: 192 bits, URL-safe. */
export function generateSecret(): string {
  return randomBytes(24).toString('base64url')
}

/**
 * ProjectStore on SQL. Secrets past their grace period are not returned. With a cache, `get`
 * reads each project once per change (project-cache.ts); the grace period is still judged at
 * every call, so a cached project never keeps an expired secret.
 */
export function createProjectStore(sql: Sql, clock: { now(): Date }, cache?: ProjectCache): ProjectAdmin {
  const toProject = (r: Record<string, unknown>): Project => withSecrets(readRow(r), clock.now())
  const load = async (id: number) => {
    const rows = await sql.query('SELECT * FROM projects WHERE id = $1', [id])
    return rows[0] ? readRow(rows[0]) : undefined
  }
  return {
    async get(id) {
      const row = await (cache ? cache.read(id, 'project', () => load(id)) : load(id))
      return row ? withSecrets(row, clock.now()) : undefined
    },
    async list() {
      return (await sql.query('SELECT * FROM projects ORDER BY id')).map(toProject)
    },
    async add(p) {
      // The same schema as the dashboard's project screen, so the CLI cannot store what it refuses.
      const settings = checkSettings({ name: p.name, callback_url: p.callbackUrl ?? null, allowed_origins: p.allowedOrigins ?? [], return_hosts: p.returnHosts ?? [], methods: [...PAGE_METHODS], theme: null })
      if (p.orgId === undefined) {
        await sql.query(`INSERT INTO organisations (id, name, created_at) VALUES ($1, 'Default', now()) ON CONFLICT (id) DO NOTHING`, [DEFAULT_ORG_ID])
      }
      const rows = await sql.query(
        `INSERT INTO projects (id, name, secret, callback_url, allowed_origins, return_hosts, test_mode, org_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [p.id, settings.name, p.secret ?? generateSecret(), settings.callback_url, JSON.stringify(settings.allowed_origins.map(parseOrigin)),
          JSON.stringify(settings.return_hosts), p.testMode ?? true, p.orgId ?? DEFAULT_ORG_ID],
      )
      return toProject(rows[0]!)
    },
    async rotateSecret(id, now, options = {}) {
      // Revoking is for a leaked secret: the grace period would leave it working for a day.
      const rows = await sql.query(
        options.revokeOld
          ? 'UPDATE projects SET previous_secret = NULL, previous_secret_valid_until = NULL, secret = $2 WHERE id = $1 RETURNING *'
          : `UPDATE projects SET previous_secret = secret, previous_secret_valid_until = $3, secret = $2
             WHERE id = $1 RETURNING *`,
        options.revokeOld ? [id, generateSecret()] : [id, generateSecret(), new Date(now.getTime() + SECRET_GRACE_MS)],
      )
      if (!rows[0]) throw new Error(`project ${id} does not exist`)
      return toProject(rows[0])
    },
  }
}

/** Validates project settings with the dashboard's schema; the first problem names its field. */
export function checkSettings(input: v.InferInput<typeof ProjectSettingsSchema>): v.InferOutput<typeof ProjectSettingsSchema> {
  const result = v.safeParse(ProjectSettingsSchema, input)
  if (result.success) return result.output
  const issue = result.issues[0]
  const param = issue ? v.getDotPath(issue) ?? undefined : undefined
  throw new PaymentError('validation_failed', `${param ?? 'project'}: ${issue?.message ?? 'is not valid'}`, param ? { param } : {})
}

/** A project row as read, with the previous secret and its end kept apart from the current one. */
type ProjectRow = Readonly<Omit<Project, 'secrets'>> & { secret: string; previous: { secret: string; validUntil: Date } | undefined }

function readRow(r: Record<string, unknown>): ProjectRow {
  const validUntil = r['previous_secret_valid_until'] ? new Date(r['previous_secret_valid_until'] as Date) : undefined
  const previous = optional(r['previous_secret'])
  const methods = r['methods'] ? jsonList(r['methods']).filter((m): m is 'card' | 'jeton' => (PAGE_METHODS as readonly string[]).includes(m)) : undefined
  // Frozen: a cached row is shared by every request, and none may change it for the others.
  return Object.freeze({
    id: toSafeInt(r['id'], 'id'),
    name: String(r['name']),
    secret: String(r['secret']),
    previous: previous && validUntil ? Object.freeze({ secret: previous, validUntil }) : undefined,
    callbackUrl: optional(r['callback_url']),
    allowedOrigins: Object.freeze(jsonList(r['allowed_origins'])) as string[],
    returnHosts: Object.freeze(jsonList(r['return_hosts'])) as string[],
    testMode: Boolean(r['test_mode']),
    ...(methods ? { methods: Object.freeze(methods) as Array<'card' | 'jeton'> } : {}),
    ...(r['theme'] ? { theme: String(r['theme']) } : {}),
    ...(r['commission_bps'] ? { commissionBps: toSafeInt(r['commission_bps'], 'commission_bps') } : {}),
  })
}

function withSecrets(row: ProjectRow, now: Date): Project {
  const { secret, previous, ...project } = row
  const secrets = [secret]
  if (previous && previous.validUntil.getTime() > now.getTime()) secrets.push(previous.secret)
  return { ...project, secrets }
}

function jsonList(value: unknown): string[] {
  const list = typeof value === 'string' ? JSON.parse(value) : value
  return Array.isArray(list) ? list.map(String) : []
}
