import { toSafeInt, type Sql } from './sql.ts'

/** Counts hits per key in fixed windows; one upsert per hit, atomic under concurrency. */
export function createRateLimitStore(sql: Sql) {
  return {
    /** Records one hit and returns how many the key has in the window containing `now`. */
    async hit(key: string, windowMs: number, now: Date): Promise<number> {
      const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs)
      const rows = await sql.query<{ hits: unknown }>(
        `INSERT INTO rate_limits (key, window_start, hits) VALUES ($1, $2, 1)
         ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits`,
        [key, start],
      )
      return toSafeInt(rows[0]!.hits, 'hits')
    },
    /** Drops windows that ended before `before`. */
    async prune(before: Date): Promise<void> {
      await sql.query('DELETE FROM rate_limits WHERE window_start < $1', [before])
    },
  }
}
export type RateLimitStore = ReturnType<typeof createRateLimitStore>
