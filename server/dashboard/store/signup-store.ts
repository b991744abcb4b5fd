import type { DashboardLanguage } from '../../../protocol/schemas/dashboard/common.ts'
import type { Sql } from '../../storage/sql.ts'
import { newToken, sha256 } from '../auth/secrets.ts'

/** How long a registration link works: a day, long enough for mail that is slow to arrive. */
export const SIGNUP_TTL_MS = 24 * 60 * 60_000

export type Signup = { email: string; organisation: string; language: DashboardLanguage }

/**
 * Registrations waiting for their emailed link (issue 13 item 7): the link of a new purpose
 * beside reset and invitation, kept apart from dashboard_tokens because it has no user yet.
 * Only the token's hash is stored; using one is one conditional UPDATE, so it works once.
 */
export function createSignupStore(sql: Sql) {
  const toSignup = (r: Record<string, unknown>): Signup => ({ email: String(r['email']), organisation: String(r['organisation']), language: r['language'] === 'ru' ? 'ru' : 'en' })
  return {
    /** Issues a link and voids the address's earlier unused ones: only the newest mail works. */
    async issue(signup: Signup, now: Date): Promise<string> {
      const token = newToken()
      await sql.query('UPDATE dashboard_signups SET used_at = $2 WHERE email = $1 AND used_at IS NULL', [signup.email, now])
      await sql.query('INSERT INTO dashboard_signups (token_hash, email, organisation, language, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)', [
        sha256(token), signup.email, signup.organisation, signup.language, now, new Date(now.getTime() + SIGNUP_TTL_MS),
      ])
      return token
    },
    async peek(token: string, now: Date): Promise<Signup | undefined> {
      const rows = await sql.query('SELECT * FROM dashboard_signups WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2', [sha256(token), now])
      return rows[0] ? toSignup(rows[0]) : undefined
    },
    /** Uses a link once; a second use, an expired or unknown link gives undefined. */
    async consume(token: string, now: Date): Promise<Signup | undefined> {
      const rows = await sql.query('UPDATE dashboard_signups SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING *', [sha256(token), now])
      return rows[0] ? toSignup(rows[0]) : undefined
    },
  }
}
export type SignupStore = ReturnType<typeof createSignupStore>
