import { optionalDate, toSafeInt, type Sql } from '../../storage/sql.ts'

export type Organisation = { id: string; name: string; createdAt: Date; suspendedAt: Date | null; suspendedReason: string | null }

/** An organisation as the platform screens list it. */
export type OrgSummary = Organisation & { projects: number; liveProjects: number; pendingRequests: number; owners: string[] }

/** Organisations (SPEC §14: platform → organisations → projects). */
export function createOrgStore(sql: Sql) {
  const toOrg = (r: Record<string, unknown>): Organisation => ({
    id: String(r['id']), name: String(r['name']), createdAt: new Date(r['created_at'] as string),
    suspendedAt: optionalDate(r['suspended_at']) ?? null, suspendedReason: r['suspended_reason'] == null ? null : String(r['suspended_reason']),
  })
  const summaries = async (where: string, params: unknown[]): Promise<OrgSummary[]> => {
    const rows = await sql.query(
      `SELECT o.*, (SELECT count(*) FROM projects p WHERE p.org_id = o.id) AS projects,
              (SELECT count(*) FROM projects p WHERE p.org_id = o.id AND NOT p.test_mode) AS live_projects,
              (SELECT count(*) FROM golive_requests r WHERE r.org_id = o.id AND r.status = 'pending') AS pending_requests,
              (SELECT coalesce(json_agg(u.email ORDER BY u.email), '[]'::json) FROM dashboard_users u WHERE u.org_id = o.id AND u.role = 'owner') AS owners
         FROM organisations o ${where}
        ORDER BY (SELECT count(*) FROM golive_requests r WHERE r.org_id = o.id AND r.status = 'pending') > 0 DESC, o.created_at DESC, o.id`, params)
    return rows.map((r) => ({
      ...toOrg(r), projects: Number(r['projects']), liveProjects: Number(r['live_projects']), pendingRequests: Number(r['pending_requests']),
      owners: (typeof r['owners'] === 'string' ? JSON.parse(r['owners']) : r['owners']) as string[],
    }))
  }
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
    /** Every organisation for the platform screens: those waiting for a go-live decision first, then newest. */
    summaries: () => summaries('', []),
    summary: async (id: string) => (await summaries('WHERE o.id = $1', [id]))[0],
    /** Suspends (a reason) or reinstates (null) an organisation; answers whether it changed. */
    async setSuspended(id: string, suspension: { at: Date; reason: string } | null): Promise<boolean> {
      const rows = suspension
        ? await sql.query('UPDATE organisations SET suspended_at = $2, suspended_reason = $3 WHERE id = $1 AND suspended_at IS NULL RETURNING id', [id, suspension.at, suspension.reason])
        : await sql.query('UPDATE organisations SET suspended_at = NULL, suspended_reason = NULL WHERE id = $1 AND suspended_at IS NOT NULL RETURNING id', [id])
      return rows.length > 0
    },
    /** A refund of at least this many major units of its currency is notified as large (migration 0027). */
    async largeRefundMajor(id: string): Promise<number | undefined> {
      const rows = await sql.query('SELECT large_refund_major FROM organisations WHERE id = $1', [id])
      return rows[0] ? toSafeInt(rows[0]['large_refund_major'], 'large_refund_major') : undefined
    },
    /**
     * Sets the large-refund threshold and answers the value it replaced. Run it in a transaction:
     * the row lock keeps the "before" of a concurrent change from being read twice.
     */
    async setLargeRefundMajor(id: string, major: number): Promise<number | undefined> {
      const rows = await sql.query('SELECT large_refund_major FROM organisations WHERE id = $1 FOR UPDATE', [id])
      if (!rows[0]) return undefined
      await sql.query('UPDATE organisations SET large_refund_major = $2 WHERE id = $1', [id, major])
      return toSafeInt(rows[0]['large_refund_major'], 'large_refund_major')
    },
    /** Whether any project of the organisation is live (owners and admins then need a second factor). */
    async hasLiveProject(id: string): Promise<boolean> {
      const rows = await sql.query('SELECT 1 FROM projects WHERE org_id = $1 AND test_mode = false LIMIT 1', [id])
      return rows.length > 0
    },
  }
}
export type OrgStore = ReturnType<typeof createOrgStore>
