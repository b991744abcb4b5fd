import { loadavg } from 'node:os'
import { paymentFilter, paymentPageSql, queryPayments, type PaymentFilter } from '../server/dashboard/payments/payment-query.ts'
import { paymentsCsv, paymentsPdf, paymentsXlsx } from '../server/dashboard/payments/payment-export.ts'
import { seedPayments } from '../server/storage/seed-payments.ts'
import { openPostgresSchema } from '../test/fixtures/databases.ts'

/** p95 in ms of `samples` runs of `fn`, after one warm-up. */
async function p95(fn: () => Promise<unknown>, samples: number): Promise<number> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!
}

/** Drains an export stream, sampling the process's memory after GC (run with --expose-gc); returns bytes and the growth of RSS and live heap. */
async function drain(stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>): Promise<{ bytes: number; rssGrowth: number; heapGrowth: number; seconds: number }> {
  const started = performance.now()
  globalThis.gc?.()
  const base = process.memoryUsage()
  let peakRss = base.rss
  let peakHeap = base.heapUsed
  let bytes = 0
  let chunks = 0
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength
    if (++chunks % 20 === 0) {
      // Live memory, not garbage not yet collected: what the export holds on to.
      globalThis.gc?.()
      const m = process.memoryUsage()
      peakRss = Math.max(peakRss, m.rss)
      peakHeap = Math.max(peakHeap, m.heapUsed)
    }
  }
  return { bytes, rssGrowth: peakRss - base.rss, heapGrowth: peakHeap - base.heapUsed, seconds: (performance.now() - started) / 1000 }
}

/**
 * The payments list at scale (issue 12): seeds `count` payments into a fresh PostgreSQL schema,
 * measures the first page and every filter (query time as the endpoint runs it, p95), then
 * streams CSV, XLSX and PDF exports of every row and reports how much memory grew.
 */
export async function dashboardPaymentsBench(url: string, options: { count: number; samples?: number; exports?: boolean }) {
  const sql = await openPostgresSchema(url, 4)
  const rows: Array<[string, string, string, string]> = []
  try {
    await sql.query(`INSERT INTO projects (id, name, secret, org_id) VALUES (9101, 'Bench A', 's', NULL), (9102, 'Bench B', 's', NULL), (9103, 'Bench C', 's', NULL)`)
    const seeded = performance.now()
    await seedPayments(sql, { count: options.count, projectIds: [9101, 9102, 9103], now: new Date(), tag: 3 })
    await sql.query('ANALYZE payments')
    rows.push([`seed ${options.count.toLocaleString('en')} payments with operations and ledger`, `${((performance.now() - seeded) / 1000).toFixed(1)} s`, '—', '—'])
    const day = 86_400_000
    const scope = [9101, 9102]
    const cases: Record<string, Record<string, string>> = {
      'first page': {},
      period: { from: new Date(Date.now() - 7 * day).toISOString(), to: new Date(Date.now() - 6 * day).toISOString() },
      status: { status: 'refunded' },
      project: { project: '9102' },
      method: { method: 'jeton' },
      currency: { currency: 'GBP' },
      'amount range': { currency: 'EUR', amount_min: '40.00', amount_max: '41.00' },
      'payment id': { payment: 'seed-3-4242' },
      'customer id': { customer: 'cust-42' },
      'customer email': { customer: 'shopper42@mail.example' },
      'card first 6': { first6: '520082' },
      'card last 4': { last4: '4242' },
      'operation type': { operation: 'cancel' },
      live: { mode: 'live' },
      combined: { status: 'success', currency: 'EUR', mode: 'test', last4: '0042' },
    }
    let worst = 0
    let worstServer = 0
    for (const [name, query] of Object.entries(cases)) {
      const filter: PaymentFilter = paymentFilter(query as never, scope)
      const first = await queryPayments(sql, filter, 51)
      const time = await p95(() => queryPayments(sql, filter, 51), options.samples ?? 30)
      // The database's own planning + execution time: what the query costs, without the
      // client's and the pool's waiting on a busy machine.
      const { text, params } = paymentPageSql(filter, 51)
      const serverTimes: number[] = []
      for (let i = 0; i < 10; i++) {
        const [plan] = await sql.query<{ 'QUERY PLAN': Array<{ 'Planning Time': number; 'Execution Time': number }> }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, params)
        const p = plan!['QUERY PLAN'][0]!
        serverTimes.push(p['Planning Time'] + p['Execution Time'])
      }
      serverTimes.sort((a, b) => a - b)
      const server = serverTimes[9]!
      worst = Math.max(worst, time)
      worstServer = Math.max(worstServer, server)
      rows.push([`  payments list p95, ${name} (${first.length >= 51 ? 'full page' : `${first.length} rows`}): round trip / in PostgreSQL`, `${time.toFixed(1)} ms / ${server.toFixed(1)} ms`, '< 150 ms', time < 150 ? 'meets' : 'MISSES'])
    }
    rows.splice(1, 0, [`payments list/filter p95 over ${options.count.toLocaleString('en')} payments, PostgreSQL (worst of ${Object.keys(cases).length}): round trip / in PostgreSQL`, `${worst.toFixed(1)} ms / ${worstServer.toFixed(1)} ms`, '< 150 ms', worst < 150 ? 'meets' : 'MISSES'],
      ['  machine load average (1 min) while measuring', loadavg()[0]!.toFixed(1), '—', '—'])
    // Every seeded payment: the export streams the whole table (a million-row PDF takes an hour
    // here, so a run at that scale can measure the list alone).
    if (options.exports === false) return rows
    const exportFilter: PaymentFilter = { projects: undefined }
    const csv = await drain(paymentsCsv(sql, exportFilter, 'Europe/Moscow'))
    rows.push([`CSV export of ${options.count.toLocaleString('en')} rows: memory growth (RSS / live heap)`, `${mb(csv.rssGrowth)} / ${mb(csv.heapGrowth)} (${mb(csv.bytes)} written)`, 'a few MB', csv.heapGrowth < 16 * 2 ** 20 ? 'meets' : 'MISSES'])
    const xlsx = await drain(paymentsXlsx(sql, exportFilter, 'Europe/Moscow', () => undefined))
    rows.push([`XLSX export (streaming writer): memory growth (RSS / live heap)`, `${mb(xlsx.rssGrowth)} / ${mb(xlsx.heapGrowth)} (${mb(xlsx.bytes)} written)`, 'a few MB', xlsx.heapGrowth < 32 * 2 ** 20 ? 'meets' : 'MISSES'])
    const pdf = await drain(paymentsPdf(sql, exportFilter, 'Europe/Moscow', new Date(), () => undefined))
    rows.push([`PDF export (pdfkit, a background job): memory growth (RSS / live heap)`, `${mb(pdf.rssGrowth)} / ${mb(pdf.heapGrowth)} (${mb(pdf.bytes)} written in ${pdf.seconds.toFixed(0)} s)`, 'a few MB', pdf.heapGrowth < 16 * 2 ** 20 ? 'meets' : 'MISSES'])
  } finally {
    await sql.close()
  }
  return rows
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MB`

// `tsx bench/dashboard-payments.ts` alone: BENCH_DASHBOARD_PAYMENTS payments (default 100 000);
// BENCH_DASHBOARD_EXPORTS=0 measures the list and filters only.
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env['DATABASE_URL']
  if (!url) throw new Error('set DATABASE_URL')
  const count = Number(process.env['BENCH_DASHBOARD_PAYMENTS'] ?? 100_000)
  const result = await dashboardPaymentsBench(url, { count, exports: process.env['BENCH_DASHBOARD_EXPORTS'] !== '0' })
  for (const r of result) process.stdout.write(`| ${r.join(' | ')} |\n`)
}
