import type { MemberRole, Role } from '../../../protocol/schemas/dashboard/common.ts'
import { optionalDate, toSafeInt, type Sql } from '../../storage/sql.ts'
import type { DashboardUser } from '../access/dashboard-user.ts'

const toUser = (r: Record<string, unknown>): DashboardUser => ({
  id: String(r['id']),
  orgId: r['org_id'] === null ? null : String(r['org_id']),
  email: String(r['email']),
  role: String(r['role']) as Role,
  projectIds: r['project_ids'] === null || r['project_ids'] === undefined ? null : (parseJson(r['project_ids']) as unknown[]).map((n) => toSafeInt(n, 'project_ids')),
  passwordHash: r['password_hash'] === null ? null : String(r['password_hash']),
  language: r['language'] === 'ru' ? 'ru' : 'en',
  totpSecret: r['totp_secret'] === null ? null : String(r['totp_secret']),
  totpEnabled: Boolean(r['totp_enabled']),
  totpLastStep: r['totp_last_step'] === null ? null : toSafeInt(r['totp_last_step'], 'totp_last_step'),
  disabledAt: optionalDate(r['disabled_at']) ?? null,
  lastSignInAt: optionalDate(r['last_sign_in_at']) ?? null,
  createdAt: new Date(r['created_at'] as string),
})

function parseJson(value: unknown): unknown {
  return typeof value === 'string' ? JSON.parse(value) : value
}

/** Dashboard users on SQL. Emails are stored lower-cased (the schemas lower-case them). */
export function createUserStore(sql: Sql) {
  const one = async (text: string, params: unknown[]) => {
    const rows = await sql.query(text, params)
    return rows[0] ? toUser(rows[0]) : undefined
  }
  return {
    async add(u: { id: string; orgId: string | null; email: string; role: Role; projectIds: number[] | null; passwordHash: string | null; now: Date }): Promise<DashboardUser> {
      return (await one(
        `INSERT INTO dashboard_users (id, org_id, email, role, project_ids, password_hash, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING *`,
        [u.id, u.orgId, u.email.toLowerCase(), u.role, u.projectIds === null ? null : JSON.stringify(u.projectIds), u.passwordHash, u.now],
      ))!
    },
    get: (id: string) => one('SELECT * FROM dashboard_users WHERE id = $1', [id]),
    byEmail: (email: string) => one('SELECT * FROM dashboard_users WHERE email = $1', [email.toLowerCase()]),
    async list(orgId: string | null): Promise<DashboardUser[]> {
      const rows = orgId === null
        ? await sql.query('SELECT * FROM dashboard_users ORDER BY created_at, id')
        : await sql.query('SELECT * FROM dashboard_users WHERE org_id = $1 ORDER BY created_at, id', [orgId])
      return rows.map(toUser)
    },
    /** Owners of the organisation who can still sign in (or will, once invited). */
    async activeOwners(orgId: string): Promise<number> {
      const rows = await sql.query<{ n: unknown }>("SELECT count(*) AS n FROM dashboard_users WHERE org_id = $1 AND role = 'owner' AND disabled_at IS NULL", [orgId])
      return toSafeInt(rows[0]!.n, 'n')
    },
    setRole: (id: string, role: MemberRole, projectIds: number[] | null, now: Date) =>
      one('UPDATE dashboard_users SET role = $2, project_ids = $3, updated_at = $4 WHERE id = $1 RETURNING *', [id, role, projectIds === null ? null : JSON.stringify(projectIds), now]),
    setPassword: (id: string, hash: string, now: Date) =>
      one('UPDATE dashboard_users SET password_hash = $2, updated_at = $3 WHERE id = $1 RETURNING *', [id, hash, now]),
    setDisabled: (id: string, disabledAt: Date | null, now: Date) =>
      one('UPDATE dashboard_users SET disabled_at = $2, updated_at = $3 WHERE id = $1 RETURNING *', [id, disabledAt, now]),
    setLanguage: (id: string, language: 'en' | 'ru', now: Date) =>
      one('UPDATE dashboard_users SET language = $2, updated_at = $3 WHERE id = $1 RETURNING *', [id, language, now]),
    /** Keeps a sealed secret being enrolled (enabled = false) or switches the factor on or off. */
    setTotp: (id: string, sealedSecret: string | null, enabled: boolean, now: Date) =>
      one('UPDATE dashboard_users SET totp_secret = $2, totp_enabled = $3, totp_last_step = NULL, updated_at = $4 WHERE id = $1 RETURNING *', [id, sealedSecret, enabled, now]),
    /** Records the TOTP step used, only if later than the last one: two requests with one code cannot both pass. */
    async takeTotpStep(id: string, step: number): Promise<boolean> {
      const rows = await sql.query('UPDATE dashboard_users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id', [id, step])
      return rows.length > 0
    },
    markSignIn: (id: string, now: Date) => sql.query('UPDATE dashboard_users SET last_sign_in_at = $2 WHERE id = $1', [id, now]),

    async replaceRecoveryCodes(id: string, hashes: string[]): Promise<void> {
      await sql.query('DELETE FROM dashboard_recovery_codes WHERE user_id = $1', [id])
      for (const h of hashes) await sql.query('INSERT INTO dashboard_recovery_codes (user_id, code_hash) VALUES ($1, $2)', [id, h])
    },
    /** Uses a recovery code once: a conditional UPDATE, so two requests cannot both spend it. */
    async useRecoveryCode(id: string, hash: string, now: Date): Promise<boolean> {
      const rows = await sql.query('UPDATE dashboard_recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id', [id, hash, now])
      return rows.length > 0
    },
  }
}
export type UserStore = ReturnType<typeof createUserStore>
