import { randomBytes } from 'node:crypto'
import type { Sql } from '../../storage/sql.ts'
import { newToken, sha256 } from '../auth/secrets.ts'

/** Idle and absolute lifetimes of a dashboard session (SPEC §14), and of a half-done sign-in. */
export const SESSION_IDLE_MS = 30 * 60_000
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000
export const PENDING_TOTP_MS = 5 * 60_000

export type DashboardSession = {
  id: string
  userId: string
  pendingTotp: boolean
  totpFailures: number
  ip: string
  userAgent: string
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
}

const toSession = (r: Record<string, unknown>): DashboardSession => ({
  id: String(r['id']),
  userId: String(r['user_id']),
  pendingTotp: Boolean(r['pending_totp']),
  totpFailures: Number(r['totp_failures']),
  ip: String(r['ip']),
  userAgent: String(r['user_agent']),
  createdAt: new Date(r['created_at'] as string),
  lastSeenAt: new Date(r['last_seen_at'] as string),
  expiresAt: new Date(r['expires_at'] as string),
})

/**
 * Server-side sessions: the cookie carries a random token, the table its SHA-256. Every
 * lookup checks revocation and both lifetimes, so a revoked or expired session is dead at once.
 */
export function createSessionStore(sql: Sql) {
  return {
    async open(s: { userId: string; pendingTotp: boolean; ip: string; userAgent: string; now: Date }): Promise<{ token: string; session: DashboardSession }> {
      const token = newToken()
      const ttl = s.pendingTotp ? PENDING_TOTP_MS : SESSION_ABSOLUTE_MS
      const rows = await sql.query(
        `INSERT INTO dashboard_sessions (id, token_hash, user_id, pending_totp, ip, user_agent, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8) RETURNING *`,
        [`dss_${randomBytes(12).toString('base64url')}`, sha256(token), s.userId, s.pendingTotp, s.ip.slice(0, 100), s.userAgent.slice(0, 400), s.now, new Date(s.now.getTime() + ttl)],
      )
      return { token, session: toSession(rows[0]!) }
    },
    /** The live session a cookie token names, or undefined (unknown, revoked, idle too long or past its end). */
    async find(token: string, now: Date): Promise<DashboardSession | undefined> {
      const rows = await sql.query(
        `SELECT * FROM dashboard_sessions WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen_at > $3`,
        [sha256(token), now, new Date(now.getTime() - SESSION_IDLE_MS)],
      )
      return rows[0] ? toSession(rows[0]) : undefined
    },
    /** Moves the idle clock; written at most once a minute per session to spare the database. */
    async touch(session: DashboardSession, now: Date): Promise<void> {
      if (now.getTime() - session.lastSeenAt.getTime() < 60_000) return
      await sql.query('UPDATE dashboard_sessions SET last_seen_at = $2 WHERE id = $1', [session.id, now])
    },
    async countTotpFailure(id: string): Promise<number> {
      const rows = await sql.query<{ totp_failures: unknown }>('UPDATE dashboard_sessions SET totp_failures = totp_failures + 1 WHERE id = $1 RETURNING totp_failures', [id])
      return Number(rows[0]?.totp_failures ?? 0)
    },
    async revoke(id: string, now: Date): Promise<void> {
      await sql.query('UPDATE dashboard_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, now])
    },
    /** Revokes every session of a user (password reset, disable, second factor reset), but `except`. */
    async revokeAll(userId: string, now: Date, except?: string): Promise<void> {
      await sql.query('UPDATE dashboard_sessions SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL AND id <> $3', [userId, now, except ?? ''])
    },
    async listLive(userId: string, now: Date): Promise<DashboardSession[]> {
      const rows = await sql.query(
        `SELECT * FROM dashboard_sessions WHERE user_id = $1 AND revoked_at IS NULL AND pending_totp = false AND expires_at > $2 AND last_seen_at > $3
          ORDER BY last_seen_at DESC LIMIT 100`,
        [userId, now, new Date(now.getTime() - SESSION_IDLE_MS)],
      )
      return rows.map(toSession)
    },
  }
}
export type SessionStore = ReturnType<typeof createSessionStore>
