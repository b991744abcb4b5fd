import autocannon from 'autocannon'

/** Latency and throughput of one closed-loop load run. */
export type LoadResult = { p50: number; p99: number; rps: number; requests: number; errors: number; non2xx: number }

/**
 * Runs autocannon against `url` with `connections` concurrent connections for `seconds`, after a
 * short warm-up. `path()` builds each request's path (a fresh signed payment each time).
 */
export async function load(url: string, options: { connections: number; seconds: number; path?: () => string }): Promise<LoadResult> {
  const requests = options.path ? [{ method: 'GET' as const, setupRequest: (req: autocannon.Request) => ({ ...req, path: options.path!() }) }] : undefined
  const run = (duration: number) =>
    autocannon({ url, connections: options.connections, duration, ...(requests ? { requests } : {}) }) as unknown as Promise<autocannon.Result>
  await run(2)
  const result = await run(options.seconds)
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: result.requests.average,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  }
}
