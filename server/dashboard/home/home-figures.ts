import type { Granularity, HomeFigures, HomeMode, HomeView } from '../../../protocol/schemas/dashboard/home.ts'
import { toSafeInt, type Sql } from '../../storage/sql.ts'
import { bucketsOf, previousPeriod } from './home-buckets.ts'

/** What the home screen asks for; `projects` null means every project (platform operators only). */
export type HomeFilter = {
  from: string
  to: string
  tz: string
  granularity: Granularity
  currency: string | undefined
  projects: number[] | null
  method: string | undefined
  country: string | undefined
  mode: HomeMode
}

// Every figure is read from the ledger (money that moved) and operations (attempts and their
// outcome), filtered to one currency: sums of different currencies mean nothing. Test payments
// and live money are never added up either: every query is for one mode.
// Paid = the acquirer leg of capture postings (sale, recurring, capture); refunds and payouts =
// the acquirer leg of their postings. A posting belongs to the user's day its created_at falls
// on in their time zone. Period bounds are computed by PostgreSQL from the user's dates, so DST
// and odd offsets (+5:45, +13:45) come from the same tz database the buckets use.
// Each query is an index-only range scan of one covering index of migration 0018 (ledger_home,
// payments_home, operations_home_declines): the period bounds the rows read, whatever the table size.
// Its work grows with the payments in the period, so for a zone kept by the database (migration
// 0033) day and month charts read the day and month aggregates of that zone instead (DAYS below).
// Written out in each query rather than joined from a CTE: with GROUPING SETS PostgreSQL keeps a
// joined subquery's columns opaque, and the bounds would stop being index conditions.
const PREV_START = `(($2::date)::timestamp AT TIME ZONE $1)`
const START = `(($3::date)::timestamp AT TIME ZONE $1)`
const STOP = `(($4::date + 1)::timestamp AT TIME ZONE $1)`
// Queries that read the current period only still name the previous one's start ($2), so every
// query binds the same typed parameters (PostgreSQL refuses a parameter it cannot type).
const TYPED = `$2::date < $3::date`

const PAID = `('sale', 'recurring', 'capture')`
const CHARGE = `('sale', 'auth', 'recurring')`

// $1–$4 the period, $5 projects, $6 method, $7 country, $8 test: what every query shares;
// $9 granularity and $10 currency for the figures of one currency.
const scope = (t: string) => `($5::bigint[] IS NULL OR ${t}.project_id = ANY($5::bigint[])) AND ${t}.test = $8
  AND ($7::text IS NULL OR ${t}.country = $7)`
const byMethod = (t: string) => `($6::text IS NULL OR ${t}.method = $6)`

/**
 * The figures, series, countries and decline reasons of the home screen (SPEC §14), all from one
 * snapshot so they agree with each other. JIT is off: each query is a short index range scan,
 * and compiling it costs more (10–20 ms) than it could save.
 */
export function homeView(sql: Sql, f: HomeFilter, path: HomePath = 'fastest'): Promise<HomeView> {
  return sql.transaction(async (tx) => {
    // PGlite runs one transaction at a time, so its reads agree as they are, and it has no JIT.
    if (tx.dialect === 'postgres') {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY')
      await tx.query('SET LOCAL jit = off')
    }
    // A kept zone's queries read a few thousand rows each: starting parallel workers for them
    // costs more than the scan (10 ms on a busy machine), so they run alone (set only when kept).
    const days = path === 'fastest' && (await tx.query(
      `SELECT set_config('max_parallel_workers_per_gather', '0', true) FROM home_zones WHERE zone = $1`, [f.tz])).length > 0
    return viewOf(tx, f, days ? DAYS : INDEX)
  })
}

/**
 * Where the figures are read: `fastest` takes the aggregates (migration 0033) when the user's
 * zone is kept — an hour chart's series still from the ledger's rows, the rest from them — and
 * the covering indexes otherwise; `index` always reads the indexes.
 */
export type HomePath = 'fastest' | 'index'

async function viewOf(sql: Sql, f: HomeFilter, q: Queries): Promise<HomeView> {
  const prev = previousPeriod(f.from, f.to)
  const base = [f.tz, prev.from, f.from, f.to, f.projects, f.method ?? null, f.country ?? null, f.mode === 'test']
  const currencies = (await sql.query<{ currency: string }>(q.currencies, base)).map((r) => ({ currency: r.currency.trim() }))
  const currency = f.currency ?? currencies[0]?.currency
  const buckets = bucketsOf(f.from, f.to, f.granularity)
  const prevBuckets = bucketsOf(prev.from, prev.to, f.granularity)
  const view: HomeView = {
    mode: f.mode,
    currency: currency ?? null,
    currencies: currencies.map((c) => c.currency),
    current: emptyFigures(), previous: emptyFigures(),
    previous_from: prev.from, previous_to: prev.to,
    buckets,
    series: { paid_sum: buckets.map(() => 0), paid_count: buckets.map(() => 0) },
    previous_series: { paid_sum: buckets.map(() => 0), paid_count: buckets.map(() => 0) },
    countries: [],
    declines: [],
  }
  if (!currency) return view
  const params = [...base, f.granularity, currency]

  type Money = { period: string; flow: string; bucket: string | null; country: string | null; by_country: number; total: unknown; count: unknown }
  const money = await sql.query<Money>(q.money, params)
  const series = q.series?.[f.granularity]
  if (series) money.push(...(await sql.query<Money>(series, params)))
  const prevIndex = new Map(prevBuckets.map((bucket, i) => [bucket, i]))
  const index = new Map(buckets.map((bucket, i) => [bucket, i]))
  for (const r of money) {
    const figures = r.period === 'c' ? view.current : view.previous
    const total = toSafeInt(r.total, 'total')
    const count = toSafeInt(r.count, 'count')
    if (r.by_country) {
      if (r.period === 'c' && r.flow === 'paid') view.countries.push({ country: r.country, paid_sum: total, paid_count: count })
    } else if (r.bucket === null) {
      if (r.flow === 'paid') Object.assign(figures, { paid_sum: total, paid_count: count })
      else if (r.flow === 'refund') Object.assign(figures, { refund_sum: total, refund_count: count })
      else if (r.flow === 'payout') Object.assign(figures, { payout_sum: total, payout_count: count })
    } else if (r.flow === 'paid') {
      const series = r.period === 'c' ? view.series : view.previous_series
      const i = (r.period === 'c' ? index : prevIndex).get(r.bucket)
      // Previous-period buckets align with the current ones by position; a longer previous month run is cut.
      if (i !== undefined && i < buckets.length) {
        series.paid_sum[i] = total
        series.paid_count[i] = count
      }
    }
  }
  view.countries.sort((a, b) => b.paid_sum - a.paid_sum || (a.country ?? '~').localeCompare(b.country ?? '~'))

  const opened = await sql.query<{ period: string; opened: unknown; converted: unknown }>(q.opened, params)
  for (const r of opened) {
    const figures = r.period === 'c' ? view.current : view.previous
    figures.opened = toSafeInt(r.opened, 'opened')
    figures.converted = toSafeInt(r.converted, 'converted')
  }
  for (const figures of [view.current, view.previous]) {
    figures.average_ticket = figures.paid_count === 0 ? 0 : Math.floor((2 * figures.paid_sum + figures.paid_count) / (2 * figures.paid_count))
  }

  const declines = await sql.query<{ code: string | null; message: string | null; count: unknown }>(q.declines, params)
  view.declines = declines.map((r) => ({ code: r.code, message: r.message, count: toSafeInt(r.count, 'count') }))
  return view
}

// series: the paid series of a chart by day or hour, when `money` does not give it.
type Queries = { currencies: string; money: string; series?: Partial<Record<Granularity, string>>; opened: string; declines: string }

/** The rows themselves, by the covering indexes of migration 0018. */
const INDEX: Queries = {
  /**
   * Currencies with money or purchases in the period, the most paid first. The currencies present
   * at all are found by skipping through the indexes (one probe per currency, PostgreSQL has no
   * skip scan of its own); each is then summed over the period's range of the same index.
   */
  currencies:
  `WITH RECURSIVE
   lc AS (SELECT min(currency) AS c FROM ledger_postings WHERE account = 'acquirer'
          UNION ALL SELECT (SELECT min(currency) FROM ledger_postings WHERE account = 'acquirer' AND currency > lc.c) FROM lc WHERE lc.c IS NOT NULL),
   pc AS (SELECT min(currency) AS c FROM payments WHERE type = 'purchase'
          UNION ALL SELECT (SELECT min(currency) FROM payments WHERE type = 'purchase' AND currency > pc.c) FROM pc WHERE pc.c IS NOT NULL),
   cs AS (SELECT c FROM lc WHERE c IS NOT NULL UNION SELECT c FROM pc WHERE c IS NOT NULL)
   SELECT cs.c AS currency, m.paid
     FROM cs,
          LATERAL (SELECT COALESCE(SUM(lp.amount) FILTER (WHERE lp.kind IN ${PAID}), 0) AS paid, COUNT(*) AS moved
                     FROM ledger_postings lp
                    WHERE lp.account = 'acquirer' AND lp.currency = cs.c AND lp.created_at >= ${START} AND lp.created_at < ${STOP}
                      AND ${scope('lp')} AND ${byMethod('lp')}) m
    WHERE m.moved > 0 OR EXISTS (SELECT 1 FROM payments p WHERE p.type = 'purchase' AND p.currency = cs.c
                                   AND p.created_at >= ${START} AND p.created_at < ${STOP} AND ${scope('p')})
      AND ${TYPED}
    ORDER BY m.paid DESC, cs.c`,
  money:
  `SELECT CASE WHEN lp.created_at >= ${START} THEN 'c' ELSE 'p' END AS period,
          CASE WHEN lp.kind IN ${PAID} THEN 'paid' ELSE lp.kind END AS flow,
          -- grouped by the timestamp, named once per group: to_char on every row costs more than the sum
          to_char(date_trunc($9, lp.created_at AT TIME ZONE $1), 'YYYY-MM-DD"T"HH24:00') AS bucket,
          lp.country, GROUPING(lp.country) = 0 AS by_country,
          SUM(CASE WHEN lp.kind IN ${PAID} THEN lp.amount ELSE -lp.amount END) AS total,
          -- paid counts payments where their money first arrived (two partial captures are one paid
          -- payment); refunds and payouts count operations (one acquirer posting each)
          COUNT(*) FILTER (WHERE lp.first_paid OR lp.kind NOT IN ${PAID}) AS count
     FROM ledger_postings lp
    WHERE lp.account = 'acquirer' AND lp.currency = $10
      AND lp.created_at >= ${PREV_START} AND lp.created_at < ${STOP}
      AND lp.kind IN ('sale', 'recurring', 'capture', 'refund', 'payout')
      AND ${scope('lp')} AND ${byMethod('lp')}
    GROUP BY GROUPING SETS ((period, flow, date_trunc($9, lp.created_at AT TIME ZONE $1)), (period, flow), (period, flow, lp.country))`,
  // Opened purchases are counted under the method they were last tried with (the payment's own
  // method, set with each charge attempt); one tried with no method yet counts under any method only.
  opened:
  `SELECT CASE WHEN p.created_at >= ${START} THEN 'c' ELSE 'p' END AS period, COUNT(*) AS opened,
          COUNT(*) FILTER (WHERE p.charged) AS converted
     FROM payments p
    WHERE p.type = 'purchase' AND p.currency = $10 AND p.created_at >= ${PREV_START} AND p.created_at < ${STOP}
      AND ${scope('p')} AND ${byMethod('p')} AND $9::text IS NOT NULL
    GROUP BY 1`,
  declines:
  `SELECT o.code, o.message, COUNT(*) AS count
     FROM operations o JOIN payments p ON p.id = o.payment_row_id
    WHERE o.status = 'decline' AND o.type IN ${CHARGE} AND o.currency = $10
      AND o.created_at >= ${START} AND o.created_at < ${STOP}
      AND ${scope('p')} AND ${byMethod('o')} AND $9::text IS NOT NULL AND ${TYPED}
    GROUP BY o.code, o.message ORDER BY count DESC, o.code NULLS LAST, o.message NULLS LAST LIMIT 5`,
}

// The aggregates of a kept zone (migration 0033). A period is whole days of the user's zone, so
// its rows cover it exactly: month rows for the local months wholly inside a period, day rows for
// the days around them. A year reads about 12 + 30 sets of rows instead of 366. Aggregates are spread
// over slots and moved between keys as facts change, so every figure is a sum of rows (a key moved
// away sums to zero).
/** The first day of the first whole month at or after date `a` (SQL). */
const FIRST_MONTH = (a: string) => `(date_trunc('month', ${a} - 1) + interval '1 month')::date`
/** The day after the last whole month at or before date `b` (SQL). */
const PAST_MONTHS = (b: string) => `date_trunc('month', ${b} + 1)::date`
/**
 * The rows of `table` (as `d`, with `columns`) that cover the current period, or both periods,
 * exactly: per period, the month rows of its whole months and the day rows before and after
 * them, each a range scan of the table's key bounded by the period.
 */
function covering(table: string, columns: string, where: string, periods: 'current' | 'both'): string {
  const spans = (a: string, b: string) => [
    `d.span = 'month' AND d.day >= ${FIRST_MONTH(a)} AND d.day < ${PAST_MONTHS(b)}`,
    `d.span = 'day' AND d.day >= ${a} AND d.day < LEAST(${FIRST_MONTH(a)}, ${b} + 1)`,
    `d.span = 'day' AND d.day >= GREATEST(${PAST_MONTHS(b)}, ${FIRST_MONTH(a)}) AND d.day <= ${b}`,
  ]
  const parts = [...spans('$3::date', '$4::date'), ...(periods === 'both' ? spans('$2::date', '($3::date - 1)') : [])]
  return `(${parts.map((range) => `SELECT ${columns} FROM ${table} d WHERE d.zone = $1 AND ${where} AND ${range}`).join(' UNION ALL ')})`
}
const MONEY = 'd.currency, d.day, d.span, d.project_id, d.test, d.country, d.method, d.flow, d.total, d.count, d.postings'
const DAYS: Queries = {
  currencies:
    `WITH m AS (SELECT d.currency, SUM(d.total) FILTER (WHERE d.flow = 'paid') AS paid, SUM(d.postings) AS moved
                  FROM ${covering('home_money_days', MONEY, `d.test = $8`, 'current')} d
                 WHERE ${scope('d')} AND ${byMethod('d')}
                 GROUP BY d.currency),
          o AS (SELECT d.currency, SUM(d.opened) AS opened
                  FROM ${covering('home_purchase_days', 'd.currency, d.project_id, d.test, d.country, d.opened', 'd.test = $8', 'current')} d
                 WHERE ${scope('d')}
                 GROUP BY d.currency)
     SELECT COALESCE(m.currency, o.currency) AS currency, COALESCE(m.paid, 0) AS paid
       FROM m FULL JOIN o ON o.currency = m.currency
      WHERE (COALESCE(m.moved, 0) > 0 OR COALESCE(o.opened, 0) > 0) AND ${TYPED}
      ORDER BY 2 DESC, 1`,
  // The series of a month chart comes with the totals (its buckets are the month rows and the
  // days at the edges); a day or hour chart's comes from `series`.
  money:
    `SELECT CASE WHEN d.day >= $3::date THEN 'c' ELSE 'p' END AS period, d.flow,
            to_char(date_trunc('month', d.day::timestamp), 'YYYY-MM-DD"T"HH24:00') AS bucket,
            d.country, GROUPING(d.country) = 0 AS by_country, SUM(d.total) AS total, SUM(d.count) AS count
       FROM ${covering('home_money_days', MONEY, `d.currency = $10 AND d.test = $8 AND d.flow IN ('paid', 'refund', 'payout')`, 'both')} d
      WHERE ${scope('d')} AND ${byMethod('d')}
      GROUP BY GROUPING SETS ((period, d.flow, date_trunc('month', d.day::timestamp)), (period, d.flow), (period, d.flow, d.country))
     HAVING $9::text = 'month' OR GROUPING(date_trunc('month', d.day::timestamp)) = 1`,
  series: {
    day: `SELECT CASE WHEN d.day >= $3::date THEN 'c' ELSE 'p' END AS period, 'paid' AS flow,
            to_char(d.day, 'YYYY-MM-DD"T"00:00') AS bucket, NULL AS country, false AS by_country, SUM(d.total) AS total, SUM(d.count) AS count
       FROM home_money_days d
      WHERE d.zone = $1 AND d.currency = $10 AND d.test = $8 AND d.span = 'day' AND d.day >= $2::date AND d.day <= $4::date
        AND d.flow = 'paid' AND ${scope('d')} AND ${byMethod('d')} AND $9::text = 'day'
      GROUP BY 1, d.day`,
    // Hours are not aggregated (24 rows a day per key would outnumber the payments): the paid
    // postings of both periods by the ledger's index, as the rows path reads them.
    hour: `SELECT CASE WHEN lp.created_at >= ${START} THEN 'c' ELSE 'p' END AS period, 'paid' AS flow,
            to_char(date_trunc('hour', lp.created_at AT TIME ZONE $1), 'YYYY-MM-DD"T"HH24:00') AS bucket,
            NULL AS country, false AS by_country, SUM(lp.amount) AS total, COUNT(*) FILTER (WHERE lp.first_paid) AS count
       FROM ledger_postings lp
      WHERE lp.account = 'acquirer' AND lp.currency = $10
        AND lp.created_at >= ${PREV_START} AND lp.created_at < ${STOP} AND lp.kind IN ${PAID}
        AND ${scope('lp')} AND ${byMethod('lp')} AND $9::text = 'hour'
      GROUP BY 1, date_trunc('hour', lp.created_at AT TIME ZONE $1)`,
  },
  opened:
    `SELECT CASE WHEN d.day >= $3::date THEN 'c' ELSE 'p' END AS period, SUM(d.opened) AS opened, SUM(d.converted) AS converted
       FROM ${covering('home_purchase_days', 'd.day, d.project_id, d.test, d.country, d.method, d.opened, d.converted', 'd.currency = $10 AND d.test = $8', 'both')} d
      WHERE ${scope('d')} AND ${byMethod('d')} AND $9::text IS NOT NULL
      GROUP BY 1`,
  declines:
    `SELECT d.code, d.message, SUM(d.count) AS count
       FROM ${covering('home_decline_days', 'd.project_id, d.test, d.country, d.method, d.code, d.message, d.count', 'd.currency = $10 AND d.test = $8', 'current')} d
      WHERE ${scope('d')} AND ${byMethod('d')} AND $9::text IS NOT NULL AND ${TYPED}
      GROUP BY d.code, d.message HAVING SUM(d.count) > 0
      ORDER BY count DESC, d.code NULLS LAST, d.message NULLS LAST LIMIT 5`,
}

function emptyFigures(): HomeFigures {
  return { paid_sum: 0, paid_count: 0, refund_sum: 0, refund_count: 0, payout_sum: 0, payout_count: 0, opened: 0, converted: 0, average_ticket: 0 }
}
