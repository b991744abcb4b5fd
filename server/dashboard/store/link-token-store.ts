import type { Sql } from '../../storage/sql.ts'
import { newToken, sha256 } from '../auth/secrets.ts'

export type LinkKind = 'reset' | 'invite'

/** How long an emailed link works: 30 minutes for a reset (SPEC §14), 7 days for an invitation. */
export const LINK_TTL_MS: Record<LinkKind, number> = { reset: 30 * 60_000, invite: 7 * 24 * 60 * 60_000 }

/** Single-use emailed links: only the token's hash is stored; using one is one conditional UPDATE. */
export function createLinkTokenStore(sql: Sql) {
  return {
    /** Issues a new link and voids the user's earlier unused links of the same kind. */
    async issue(kind: LinkKind, userId: string, now: Date): Promise<string> {
      const token = newToken()
      await sql.query('UPDATE dashboard_tokens SET used_at = $3 WHERE user_id = $1 AND kind = $2 AND used_at IS NULL', [userId, kind, now])
      await sql.query('INSERT INTO dashboard_tokens (token_hash, kind, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)', [
        sha256(token), kind, userId, now, new Date(now.getTime() + LINK_TTL_MS[kind]),
      ])
      return token
    },
    /** The user a live link belongs to, without using it (the invitation screen shows whom it is for). */
    async peek(kind: LinkKind, token: string, now: Date): Promise<string | undefined> {
      const rows = await sql.query<{ user_id: string }>('SELECT user_id FROM dashboard_tokens WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3', [sha256(token), kind, now])
      return rows[0]?.user_id
    },
    /** Uses a link once and returns its user; a second use, an expired or unknown link gives undefined. */
    async consume(kind: LinkKind, token: string, now: Date): Promise<string | undefined> {
      const rows = await sql.query<{ user_id: string }>(
        'UPDATE dashboard_tokens SET used_at = $3 WHERE token_hash = $1 AND kind = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id',
        [sha256(token), kind, now],
      )
      return rows[0]?.user_id
    },
  }
}
export type LinkTokenStore = ReturnType<typeof createLinkTokenStore>
