import { sign } from '../server/signature/signature.ts'
import type { Receiver } from '../test/e2e/crash-driver.ts'

const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123', holder: 'BENCH' }

/**
 * Complete card payments as a shopper makes them — open the signed page, pay, and the merchant's
 * receiver gets the callback — `count` of them with `concurrency` shoppers at once. Returns
 * payments per second (first open to last callback) and the pay call's latency percentiles.
 */
export async function cardPayments(
  base: string,
  projects: ReadonlyArray<{ id: number; secret: string }>,
  receiver: Receiver,
  options: { count: number; concurrency: number; prefix: string },
) {
  const latencies: number[] = []
  let next = 0
  let failures = 0
  const before = receiver.events.size
  const started = performance.now()
  const shopper = async () => {
    for (let i = next++; i < options.count; i = next++) {
      const project = projects[i % projects.length]!
      const params = { project_id: project.id, payment_id: `${options.prefix}-${i}`, payment_amount: 1000 + i, payment_currency: 'EUR' }
      const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
      query.set('signature', sign(params, project.secret))
      // Every shopper has an address of its own (EPAY_TRUST_PROXY=1), as real ones do.
      const ip = { 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` }
      const html = await (await fetch(`${base}/payment?${query}`, { headers: ip })).text()
      const token = (JSON.parse(/id="epay-boot">(.*?)<\/script>/s.exec(html)![1]!) as { token: string }).token
      const t0 = performance.now()
      const response = await fetch(`${base}/api/page/pay`, {
        method: 'POST',
        headers: { ...ip, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'card', card: CARD }),
      })
      const state = (await response.json()) as { status?: string }
      latencies.push(performance.now() - t0)
      if (state.status !== 'success') failures++
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, shopper))
  const deadline = Date.now() + 60_000
  while (receiver.events.size - before < options.count - failures && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
  return { perSecond: (receiver.events.size - before) / seconds, p50: at(0.5), p99: at(0.99), failures, callbacks: receiver.events.size - before, seconds }
}
