/** How hard one run may press the upstream: requests in flight at once, and the least gap between two starts. */
export type Pace = { concurrency: number; minGapMs: number }

/**
 * Calls `fn` on every item with at most `pace.concurrency` calls in flight and at least
 * `pace.minGapMs` between two starts, so a day with thousands of payments never floods the
 * upstream (whose rate limits would refuse EPay's own payments too). Results keep the items' order.
 */
export async function mapBounded<T, R>(items: readonly T[], pace: Pace, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  let lastStart = 0
  const worker = async () => {
    for (;;) {
      const index = next++
      if (index >= items.length) return
      const wait = lastStart + pace.minGapMs - Date.now()
      lastStart = Math.max(Date.now(), lastStart + pace.minGapMs)
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      results[index] = await fn(items[index]!)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(pace.concurrency, items.length)) }, worker))
  return results
}
