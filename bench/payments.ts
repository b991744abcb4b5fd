import { sign } from '../server/signature/signature.ts'
import type { Receiver } from '../test/e2e/crash-driver.ts'
import { BROWSER_HEADERS, median } from './load.ts'

const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123', holder: 'BENCH' }

export type PaymentRun = { perSecond: number; p50: number; p99: number; failures: number; callbacks: number; seconds: number }

/**
 * Complete card payments as a shopper makes them — open the signed page, pay, and the merchant's
 * receiver gets the callback — with `concurrency` shoppers at once for `seconds`. Returns
 * payments per second (first open to last callback) and the pay call's latency percentiles.
 */
export async function cardPayments(
  base: string,
  projects: ReadonlyArray<{ id: number; secret: string }>,
  receiver: Receiver,
  options: { seconds: number; concurrency: number; prefix: string },
): Promise<PaymentRun> {
  const latencies: number[] = []
  let next = 0
  let failures = 0
  let opened = 0
  const before = receiver.events.size
  const started = performance.now()
  const deadline = started + options.seconds * 1000
  const shopper = async () => {
    while (performance.now() < deadline) {
      const i = next++
      const project = projects[i % projects.length]!
      const params = { project_id: project.id, payment_id: `${options.prefix}-${i}`, payment_amount: 1000 + i, payment_currency: 'EUR' }
      const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
      query.set('signature', sign(params, project.secret))
      // Every shopper has an address of its own (EPAY_TRUST_PROXY=1), as real ones do.
      const ip = { 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }
      try {
        const html = await (await fetch(`${base}/payment?${query}`, { headers: { ...BROWSER_HEADERS, ...ip } })).text()
        const token = (JSON.parse(/id="epay-boot">(.*?)<\/script>/s.exec(html)![1]!) as { token: string }).token
        opened++
        const t0 = performance.now()
        const response = await fetch(`${base}/api/page/pay`, {
          method: 'POST',
          headers: { ...ip, 'accept-encoding': BROWSER_HEADERS['accept-encoding'], authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ method: 'card', card: CARD }),
        })
        const state = (await response.json()) as { status?: string }
        latencies.push(performance.now() - t0)
        if (state.status !== 'success') failures++
      } catch {
        failures++
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, shopper))
  const wanted = opened - failures
  const wait = Date.now() + 60_000
  while (receiver.events.size - before < wanted && Date.now() < wait) await new Promise((r) => setTimeout(r, 10))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
  return { perSecond: (receiver.events.size - before) / seconds, p50: at(0.5), p99: at(0.99), failures, callbacks: receiver.events.size - before, seconds }
}

/** `runs` payment runs, and the median of each figure. */
export async function cardPaymentRuns(
  base: string,
  projects: ReadonlyArray<{ id: number; secret: string }>,
  receiver: Receiver,
  options: { seconds: number; concurrency: number; prefix: string; runs: number },
): Promise<PaymentRun & { samples: number[] }> {
  const runs: PaymentRun[] = []
  for (let r = 0; r < options.runs; r++) runs.push(await cardPayments(base, projects, receiver, { ...options, prefix: `${options.prefix}-r${r}` }))
  return {
    perSecond: median(runs.map((r) => r.perSecond)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    failures: runs.reduce((n, r) => n + r.failures, 0),
    callbacks: runs.reduce((n, r) => n + r.callbacks, 0),
    seconds: runs.reduce((n, r) => n + r.seconds, 0),
    samples: runs.map((r) => r.perSecond),
  }
}
