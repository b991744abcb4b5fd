import type { Sql } from '../../storage/sql.ts'

export type Organisation = { id: string; name: string; createdAt: Date }

/** Organisations (SPEC §14: platform → organisations → projects). */
export function createOrgStore(sql: Sql) {
  const toOrg = (r: Record<string, unknown>): Organisation => ({ id: String(r['id']), name: String(r['name']), createdAt: new Date(r['created_at'] as string) })
  return {
    async add(org: { id: string; name: string; now: Date }): Promise<Organisation> {
      const rows = await sql.query('INSERT INTO organisations (id, name, created_at) VALUES ($1, $2, $3) RETURNING *', [org.id, org.name, org.now])
      return toOrg(rows[0]!)
    },
    async get(id: string): Promise<Organisation | undefined> {
      const rows = await sql.query('SELECT * FROM organisations WHERE id = $1', [id])
      return rows[0] ? toOrg(rows[0]) : undefined
    },
    async byName(name: string): Promise<Organisation | undefined> {
      const rows = await sql.query('SELECT * FROM organisations WHERE name = $1 ORDER BY created_at LIMIT 1', [name])
      return rows[0] ? toOrg(rows[0]) : undefined
    },
    async list(): Promise<Array<Organisation & { projects: number; users: number }>> {
      const rows = await sql.query(
        `SELECT o.*, (SELECT count(*) FROM projects p WHERE p.org_id = o.id) AS projects,
                (SELECT count(*) FROM dashboard_users u WHERE u.org_id = o.id) AS users
           FROM organisations o ORDER BY o.created_at, o.id`,
      )
      return rows.map((r) => ({ ...toOrg(r), projects: Number(r['projects']), users: Number(r['users']) }))
    },
    /** Whether any project of the organisation is live (owners and admins then need a second factor). */
    async hasLiveProject(id: string): Promise<boolean> {
      const rows = await sql.query('SELECT 1 FROM projects WHERE org_id = $1 AND test_mode = false LIMIT 1', [id])
      return rows.length > 0
    },
  }
}
export type OrgStore = ReturnType<typeof createOrgStore>
