import autocannon from 'autocannon'

/** Latency and throughput of one closed-loop load run. */
export type LoadResult = { p50: number; p99: number; rps: number; requests: number; errors: number; non2xx: number }

/**
 * What a browser sends with a top-level navigation. `Accept-Encoding` matters most: without it
 * the server skips the compression every real page load triggers, and the figure flatters it.
 */
export const BROWSER_HEADERS = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate, br, zstd',
  'accept-language': 'en-GB,en;q=0.9',
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
} as const

/**
 * Runs autocannon against `url` with `connections` concurrent connections: one warm-up, then
 * `runs` measured runs of `seconds`, and returns the median of each figure (shared machines are
 * noisy; one run is not a measurement). `path()` builds each request's path.
 */
export async function load(
  url: string,
  options: { connections: number; seconds: number; runs?: number; warmSeconds?: number; path?: () => string; headers?: Record<string, string> },
): Promise<LoadResult & { samples: LoadResult[] }> {
  const requests = options.path ? [{ method: 'GET' as const, setupRequest: (req: autocannon.Request) => ({ ...req, path: options.path!() }) }] : undefined
  const run = async (duration: number): Promise<LoadResult> => {
    const result = (await (autocannon({
      url,
      connections: options.connections,
      duration,
      headers: { ...BROWSER_HEADERS, ...options.headers },
      ...(requests ? { requests } : {}),
    }) as unknown as Promise<autocannon.Result>))
    return { p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, requests: result.requests.total, errors: result.errors, non2xx: result.non2xx }
  }
  await run(options.warmSeconds ?? 2)
  const samples: LoadResult[] = []
  for (let i = 0; i < (options.runs ?? 3); i++) samples.push(await run(options.seconds))
  return {
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    rps: median(samples.map((s) => s.rps)),
    requests: samples.reduce((n, s) => n + s.requests, 0),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    non2xx: samples.reduce((n, s) => n + s.non2xx, 0),
    samples,
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}
