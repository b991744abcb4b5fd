import { loadavg } from 'node:os'
import type { Granularity, HomeMode } from '../protocol/schemas/dashboard/home.ts'
import { addDays } from '../server/dashboard/home/home-buckets.ts'
import { homeView, type HomeFilter } from '../server/dashboard/home/home-figures.ts'
import { keepHomeZones } from '../server/dashboard/home/home-zones.ts'
import { seedPayments } from '../server/storage/seed-payments.ts'
import type { Sql } from '../server/storage/sql.ts'
import { openPostgresSchema } from '../test/fixtures/databases.ts'

type Row = [string, string, string, string]

/** p95 and median in ms of `samples` runs of `fn`, after one warm-up. */
async function timings(fn: () => Promise<unknown>, samples: number): Promise<{ p95: number; p50: number }> {
  await fn()
  const times: number[] = []
  for (let i = 0; i < samples; i++) {
    const start = performance.now()
    await fn()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  return { p95: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!, p50: times[Math.floor(times.length / 2)]! }
}

/**
 * The home screen over `count` seeded payments (a year of them): each case is the whole answer
 * of GET /api/dashboard/home as the route computes it (currencies, figures of both periods,
 * series, countries, declines: four queries), timed end to end from Node, p95.
 */
export async function measureHome(sql: Sql, count: number, projects: number[], samples = 30, compare = false): Promise<Row[]> {
  const today = new Date().toISOString().slice(0, 10)
  const base = { to: today, tz: 'Europe/Moscow', currency: undefined, projects, method: undefined, country: undefined }
  const period = (days: number, granularity: Granularity, mode: HomeMode = 'test') => ({ ...base, from: addDays(today, -(days - 1)), granularity, mode })
  const cases: Record<string, HomeFilter> = {
    'default: 30 days by day, test payments': period(30, 'day'),
    '30 days by day, live money': period(30, 'day', 'live'),
    '7 days by hour': period(7, 'hour'),
    '31 days by hour, Asia/Kathmandu (+5:45)': { ...period(31, 'hour'), tz: 'Asia/Kathmandu' },
    '30 days, country DE': { ...period(30, 'day'), country: 'DE' },
    '30 days, method jeton, USD': { ...period(30, 'day'), method: 'jeton', currency: 'USD' },
    '30 days, one project': { ...period(30, 'day'), projects: [projects[0]!] },
    '90 days by day': period(90, 'day'),
    '366 days by day': period(366, 'day'),
    '366 days by month': period(366, 'month'),
    '366 days by day, live money': period(366, 'day', 'live'),
    '366 days, country DE, method jeton': { ...period(366, 'day'), country: 'DE', method: 'jeton' },
    '366 days by day, Asia/Kathmandu (+5:45)': { ...period(366, 'day'), tz: 'Asia/Kathmandu' },
    '366 days by day, America/New_York (zone not kept)': { ...period(366, 'day'), tz: 'America/New_York' },
  }
  const rows: Row[] = []
  let worstDefault = 0
  for (const [name, filter] of Object.entries(cases)) {
    const view = await homeView(sql, filter)
    const { p95, p50 } = await timings(() => homeView(sql, filter), samples)
    // The SPEC's budget is for the screen as it opens and is filtered (a month or less); a year is reported beside it.
    // Since the daily aggregates (migration 0033), every period of a kept zone is; a zone not kept is reported beside it.
    const inBudget = !name.includes('not kept')
    if (inBudget) worstDefault = Math.max(worstDefault, p95)
    rows.push([`  home p95, ${name} (${view.current.opened.toLocaleString('en')} opened, ${view.current.paid_count.toLocaleString('en')} paid in ${view.currency ?? '—'}): p95 / median`,
      `${p95.toFixed(1)} ms / ${p50.toFixed(1)} ms`, inBudget ? '< 150 ms' : '—', inBudget ? (p95 < 150 ? 'meets' : 'MISSES') : (p95 < 150 ? 'meets' : 'over')])
    if (compare) {
      // The same answer from the rows alone, as before the daily aggregates, on the same data.
      const byRows = await timings(() => homeView(sql, filter, 'index'), samples)
      rows.push([`    the same by the rows (covering indexes only): p95 / median`, `${byRows.p95.toFixed(1)} ms / ${byRows.p50.toFixed(1)} ms`, '—', '—'])
    }
  }
  rows.unshift([`home totals p95 over ${count.toLocaleString('en')} payments, PostgreSQL (worst case of a kept zone, any period, whole answer)`, `${worstDefault.toFixed(1)} ms`, '< 150 ms', worstDefault < 150 ? 'meets' : 'MISSES'],
    ['  machine load average (1 min) while measuring', loadavg()[0]!.toFixed(1), '—', '—'])
  return rows
}

/** Seeds `count` payments into a fresh PostgreSQL schema and measures the home screen over them. */
export async function dashboardHomeBench(url: string, options: { count: number; samples?: number; compare?: boolean }): Promise<Row[]> {
  const sql = await openPostgresSchema(url, 4)
  try {
    await sql.query(`INSERT INTO projects (id, name, secret, org_id) VALUES (9201, 'Home A', 's', NULL), (9202, 'Home B', 's', NULL), (9203, 'Home C', 's', NULL)`)
    // Moscow is kept from the start (the triggers build its aggregates as the seed writes);
    // Kathmandu is added after, as an operator adding a zone to a running database would.
    await keepHomeZones(sql, ['Europe/Moscow'])
    const seeded = performance.now()
    await seedPayments(sql, { count: options.count, projectIds: [9201, 9202, 9203], now: new Date(), tag: 5 })
    // As autovacuum leaves a table that has settled: statistics, and a visibility map for index-only scans.
    await sql.query('VACUUM ANALYZE payments')
    await sql.query('VACUUM ANALYZE ledger_postings')
    await sql.query('VACUUM ANALYZE operations')
    const seedRow: Row = [`seed ${options.count.toLocaleString('en')} payments (home bench) with operations, ledger, vacuum, one kept zone`, `${((performance.now() - seeded) / 1000).toFixed(1)} s`, '—', '—']
    const adding = performance.now()
    await keepHomeZones(sql, ['Asia/Kathmandu'])
    const keepRow: Row = [`add a kept zone over ${options.count.toLocaleString('en')} payments (payment writes wait meanwhile)`, `${((performance.now() - adding) / 1000).toFixed(1)} s`, '—', '—']
    await sql.query('VACUUM ANALYZE home_money_days')
    await sql.query('VACUUM ANALYZE home_purchase_days')
    await sql.query('VACUUM ANALYZE home_decline_days')
    const [size] = await sql.query<{ rows: unknown }>(`SELECT (SELECT count(*) FROM home_money_days) + (SELECT count(*) FROM home_purchase_days) + (SELECT count(*) FROM home_decline_days) AS rows`)
    const sizeRow: Row = ['  daily aggregate rows, two kept zones', Number(size!.rows).toLocaleString('en'), '—', '—']
    return [seedRow, keepRow, sizeRow, ...(await measureHome(sql, options.count, [9201, 9202], options.samples, options.compare))]
  } finally {
    await sql.close()
  }
}

// `tsx bench/dashboard-home.ts` alone: BENCH_DASHBOARD_HOME payments (default 1 000 000);
// BENCH_HOME_COMPARE=1 also times each case by the rows alone (the path before migration 0033).
if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.env['DATABASE_URL']
  if (!url) throw new Error('set DATABASE_URL')
  const count = Number(process.env['BENCH_DASHBOARD_HOME'] ?? 1_000_000)
  for (const r of await dashboardHomeBench(url, { count, compare: process.env['BENCH_HOME_COMPARE'] === '1' })) process.stdout.write(`| ${r.join(' | ')} |\n`)
}
