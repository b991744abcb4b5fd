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
    /**
     * Records one hit against each key in turn, each only if every earlier key stayed within its
     * limit, in one statement (one round trip instead of one per key). Returns the counts of
     * the keys that were hit, in order; it stops after the first key past its limit.
     */
    async hitInTurn(checks: ReadonlyArray<readonly [key: string, limit: number]>, windowMs: number, now: Date): Promise<number[]> {
      if (checks.length === 0) return []
      const start = new Date(Math.floor(now.getTime() / windowMs) * windowMs)
      // $1 the window, then every key, then the limits of all but the last key (the last one's
      // count is only compared here, in JS).
      const params: unknown[] = [start, ...checks.map(([key]) => key), ...checks.slice(0, -1).map(([, limit]) => limit)]
      const key = (i: number) => `$${2 + i}::text`
      const limit = (i: number) => `$${2 + checks.length + i}::int`
      const ctes = checks.map((_, i) => {
        const source = i === 0 ? `VALUES (${key(0)}, $1::timestamptz, 1)` : `SELECT ${key(i)}, $1::timestamptz, 1 FROM h${i - 1} WHERE h${i - 1}.hits <= ${limit(i - 1)}`
        return `h${i} AS (INSERT INTO rate_limits (key, window_start, hits) ${source}
          ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits)`
      })
      const rows = await sql.query<Record<string, unknown>>(`WITH ${ctes.join(',\n')} SELECT ${checks.map((_, i) => `(SELECT hits FROM h${i}) AS h${i}`).join(', ')}`, params)
      const counts: number[] = []
      for (let i = 0; i < checks.length; i++) {
        const value = rows[0]?.[`h${i}`]
        if (value === null || value === undefined) break
        counts.push(toSafeInt(value, 'hits'))
      }
      return counts
    },
    /** Drops windows that ended before `before`. */
    async prune(before: Date): Promise<void> {
      await sql.query('DELETE FROM rate_limits WHERE window_start < $1', [before])
    },
  }
}
export type RateLimitStore = ReturnType<typeof createRateLimitStore>
