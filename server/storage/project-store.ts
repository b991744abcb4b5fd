import { randomBytes } from 'node:crypto'
import { parseOrigin } from '../domain/origin.ts'
import type { Project, ProjectStore } from '../domain/ports.ts'
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
}

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

/** ProjectStore on SQL. Secrets past their grace period are not returned. */
export function createProjectStore(sql: Sql, clock: { now(): Date }): ProjectAdmin {
  const toProject = (r: Record<string, unknown>): Project => {
    const validUntil = r['previous_secret_valid_until'] ? new Date(r['previous_secret_valid_until'] as Date) : undefined
    const previous = optional(r['previous_secret'])
    const secrets = [String(r['secret'])]
    if (previous && validUntil && validUntil.getTime() > clock.now().getTime()) secrets.push(previous)
    return {
      id: toSafeInt(r['id'], 'id'),
      name: String(r['name']),
      secrets,
      callbackUrl: optional(r['callback_url']),
      allowedOrigins: jsonList(r['allowed_origins']),
      returnHosts: jsonList(r['return_hosts']),
      testMode: Boolean(r['test_mode']),
    }
  }
  return {
    async get(id) {
      const rows = await sql.query('SELECT * FROM projects WHERE id = $1', [id])
      return rows[0] ? toProject(rows[0]) : undefined
    },
    async list() {
      return (await sql.query('SELECT * FROM projects ORDER BY id')).map(toProject)
    },
    async add(p) {
      const rows = await sql.query(
        `INSERT INTO projects (id, name, secret, callback_url, allowed_origins, return_hosts, test_mode)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [p.id, p.name, p.secret ?? generateSecret(), p.callbackUrl ?? null, JSON.stringify((p.allowedOrigins ?? []).map(parseOrigin)),
          JSON.stringify(p.returnHosts ?? []), p.testMode ?? true],
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

function jsonList(value: unknown): string[] {
  const list = typeof value === 'string' ? JSON.parse(value) : value
  return Array.isArray(list) ? list.map(String) : []
}
