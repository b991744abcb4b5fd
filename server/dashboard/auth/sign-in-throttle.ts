import type { Sql } from '../../storage/sql.ts'
import { sha256 } from './secrets.ts'

/**
 * Sign-in throttling (SPEC §14): failures are counted per account and address, per account
 * from anywhere, and per address over all accounts, in 15-minute windows kept in the database
 * (every process counts against the same numbers). Past a limit, sign-in is refused without
 * checking the password until the window ends. The account counts by email, whether or not an
 * account exists, so the answers never tell the two apart.
 * Hint: the per-account limit from anywhere is four times the per-address one, so someone
 * guessing from one address locks out only that address, not the real user elsewhere.
 */
export const THROTTLE_WINDOW_MS = 15 * 60_000
export const THROTTLE_LIMITS = { accountAddress: 5, account: 20, address: 50 } as const

const keys = (email: string, ip: string) => {
  const account = sha256(email.toLowerCase())
  return [`dash:fail:aa:${account}:${ip}`, `dash:fail:a:${account}`, `dash:fail:ip:${ip}`] as const
}
const windowStart = (now: Date) => new Date(Math.floor(now.getTime() / THROTTLE_WINDOW_MS) * THROTTLE_WINDOW_MS)

/** Whether sign-in for `email` from `ip` is held back now, and for how many seconds more. */
export async function signInThrottled(sql: Sql, email: string, ip: string, now: Date): Promise<{ throttled: boolean; retryAfterS: number }> {
  const k = keys(email, ip)
  const rows = await sql.query<{ key: string; hits: unknown }>('SELECT key, hits FROM rate_limits WHERE key = ANY($1::text[]) AND window_start = $2', [[...k], windowStart(now)])
  const hits = (key: string) => Number(rows.find((r) => r.key === key)?.hits ?? 0)
  const throttled = hits(k[0]) >= THROTTLE_LIMITS.accountAddress || hits(k[1]) >= THROTTLE_LIMITS.account || hits(k[2]) >= THROTTLE_LIMITS.address
  const retryAfterS = Math.ceil((windowStart(now).getTime() + THROTTLE_WINDOW_MS - now.getTime()) / 1000)
  return { throttled, retryAfterS }
}

/** Counts one failed sign-in against all three limits. */
export async function countSignInFailure(sql: Sql, email: string, ip: string, now: Date): Promise<void> {
  for (const key of keys(email, ip)) {
    await sql.query(
      `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1`,
      [key, windowStart(now)],
    )
  }
}

/**
 * Counts a request for an emailed link (password reset) and tells whether to send it: at most
 * 3 per account and 20 per address in a window, so nobody can flood a mailbox. The answer to
 * the requester is the same either way.
 */
export async function mayMailLink(sql: Sql, email: string, ip: string, now: Date): Promise<boolean> {
  const counts: number[] = []
  for (const key of [`dash:mail:a:${sha256(email.toLowerCase())}`, `dash:mail:ip:${ip}`]) {
    const rows = await sql.query<{ hits: unknown }>(
      `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
       ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits`,
      [key, windowStart(now)],
    )
    counts.push(Number(rows[0]!.hits))
  }
  return counts[0]! <= 3 && counts[1]! <= 20
}
