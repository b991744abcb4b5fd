import type { Granularity, HomeFigures, HomeView } from '../../../protocol/schemas/dashboard/home.ts'
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
}

// Every figure is read from the ledger (money that moved) and operations (attempts and their
// outcome), filtered to one currency: sums of different currencies mean nothing.
// Paid = the acquirer leg of capture postings (sale, recurring, capture); refunds and payouts =
// the acquirer leg of their postings. A posting belongs to the user's day its created_at falls
// on in their time zone. Period bounds are computed by PostgreSQL from the user's dates, so DST
// and odd offsets (+5:45, +13:45) come from the same tz database the buckets use.
const BOUNDS = `WITH b AS (
  SELECT ($2::date)::timestamp AT TIME ZONE $1 AS prev_start,
         ($3::date)::timestamp AT TIME ZONE $1 AS start,
         ($4::date + 1)::timestamp AT TIME ZONE $1 AS stop)`

const PAID = `('sale', 'recurring', 'capture')`
const CHARGE = `('sale', 'auth', 'recurring')`

const scope = (projectColumn: string) => `($6::bigint[] IS NULL OR ${projectColumn} = ANY($6::bigint[]))`

/** The figures, series and decline reasons of the home screen (SPEC §14). */
export async function homeView(sql: Sql, f: HomeFilter): Promise<HomeView> {
  const prev = previousPeriod(f.from, f.to)
  const base = [f.tz, prev.from, f.from, f.to]
  const currencies = await currenciesOf(sql, base, f)
  const currency = f.currency ?? currencies[0]?.currency
  const buckets = bucketsOf(f.from, f.to, f.granularity)
  const prevBuckets = bucketsOf(prev.from, prev.to, f.granularity)
  const view: HomeView = {
    currency: currency ?? null,
    currencies: currencies.map((c) => c.currency),
    current: emptyFigures(), previous: emptyFigures(),
    previous_from: prev.from, previous_to: prev.to,
    buckets,
    series: { paid_sum: buckets.map(() => 0), paid_count: buckets.map(() => 0) },
    previous_series: { paid_sum: buckets.map(() => 0), paid_count: buckets.map(() => 0) },
    declines: [],
  }
  if (!currency) return view
  const params = [...base, f.granularity, f.projects, currency, f.method ?? null]

  const money = await sql.query<{ period: string; kind: string; bucket: string | null; total: unknown; count: unknown }>(
    `${BOUNDS}
     SELECT CASE WHEN lp.created_at >= b.start THEN 'c' ELSE 'p' END AS period,
            CASE WHEN o.type IN ${PAID} THEN 'paid' ELSE o.type END AS kind,
            to_char(date_trunc($5, lp.created_at AT TIME ZONE $1), 'YYYY-MM-DD"T"HH24:00') AS bucket,
            SUM(CASE WHEN o.type IN ${PAID} THEN lp.amount ELSE -lp.amount END) AS total,
            -- paid counts payments (two partial captures are one paid payment); refunds and payouts count operations
            COUNT(DISTINCT CASE WHEN o.type IN ${PAID} THEN o.payment_row_id ELSE o.id::text END) AS count
       FROM ledger_postings lp JOIN operations o ON o.id = lp.operation_id CROSS JOIN b
      WHERE lp.account = 'acquirer' AND lp.currency = $7
        AND lp.created_at >= b.prev_start AND lp.created_at < b.stop
        AND o.type IN ('sale', 'recurring', 'capture', 'refund', 'payout')
        AND ${scope('lp.project_id')} AND ($8::text IS NULL OR o.method = $8)
      GROUP BY GROUPING SETS ((period, kind, bucket), (period, kind))`,
    params,
  )
  const prevIndex = new Map(prevBuckets.map((bucket, i) => [bucket, i]))
  const index = new Map(buckets.map((bucket, i) => [bucket, i]))
  for (const r of money) {
    const figures = r.period === 'c' ? view.current : view.previous
    const total = toSafeInt(r.total, 'total')
    const count = toSafeInt(r.count, 'count')
    if (r.bucket === null) {
      if (r.kind === 'paid') Object.assign(figures, { paid_sum: total, paid_count: count })
      else if (r.kind === 'refund') Object.assign(figures, { refund_sum: total, refund_count: count })
      else if (r.kind === 'payout') Object.assign(figures, { payout_sum: total, payout_count: count })
    } else if (r.kind === 'paid') {
      const series = r.period === 'c' ? view.series : view.previous_series
      const i = (r.period === 'c' ? index : prevIndex).get(r.bucket)
      // Previous-period buckets align with the current ones by position; a longer previous month run is cut.
      if (i !== undefined && i < buckets.length) {
        series.paid_sum[i] = total
        series.paid_count[i] = count
      }
    }
  }

  const opened = await sql.query<{ period: string; opened: unknown; converted: unknown }>(
    `${BOUNDS}
     SELECT CASE WHEN p.created_at >= b.start THEN 'c' ELSE 'p' END AS period, COUNT(*) AS opened,
            COUNT(*) FILTER (WHERE EXISTS (SELECT 1 FROM operations o WHERE o.payment_row_id = p.id AND o.type IN ${CHARGE} AND o.status = 'success')) AS converted
       FROM payments p CROSS JOIN b
      WHERE p.type = 'purchase' AND p.currency = $7 AND p.created_at >= b.prev_start AND p.created_at < b.stop
        AND ${scope('p.project_id')} AND $5::text IS NOT NULL
        AND ($8::text IS NULL OR EXISTS (SELECT 1 FROM operations o WHERE o.payment_row_id = p.id AND o.type IN ${CHARGE} AND o.method = $8))
      GROUP BY 1`,
    params,
  )
  for (const r of opened) {
    const figures = r.period === 'c' ? view.current : view.previous
    figures.opened = toSafeInt(r.opened, 'opened')
    figures.converted = toSafeInt(r.converted, 'converted')
  }
  for (const figures of [view.current, view.previous]) {
    figures.average_ticket = figures.paid_count === 0 ? 0 : Math.floor((2 * figures.paid_sum + figures.paid_count) / (2 * figures.paid_count))
  }

  const declines = await sql.query<{ code: string | null; message: string | null; count: unknown }>(
    `${BOUNDS}
     SELECT o.code, o.message, COUNT(*) AS count
       FROM operations o JOIN payments p ON p.id = o.payment_row_id CROSS JOIN b
      WHERE o.status = 'decline' AND o.type IN ${CHARGE} AND o.currency = $7
        AND o.created_at >= b.start AND o.created_at < b.stop
        AND ${scope('p.project_id')} AND ($8::text IS NULL OR o.method = $8) AND $5::text IS NOT NULL
      GROUP BY o.code, o.message ORDER BY count DESC, o.code NULLS LAST LIMIT 5`,
    params,
  )
  view.declines = declines.map((r) => ({ code: r.code, message: r.message, count: toSafeInt(r.count, 'count') }))
  return view
}

/** Currencies with money or purchases in the period, the most paid first. */
async function currenciesOf(sql: Sql, base: unknown[], f: HomeFilter): Promise<Array<{ currency: string }>> {
  const rows = await sql.query<{ currency: string; paid: unknown }>(
    `${BOUNDS}
     SELECT currency, SUM(paid) AS paid FROM (
       SELECT lp.currency, CASE WHEN o.type IN ${PAID} THEN lp.amount ELSE 0 END AS paid
         FROM ledger_postings lp JOIN operations o ON o.id = lp.operation_id CROSS JOIN b
        WHERE lp.account = 'acquirer' AND lp.created_at >= b.start AND lp.created_at < b.stop AND ${scope('lp.project_id')}
          AND ($5::text IS NULL OR o.method = $5)
       UNION ALL
       SELECT p.currency, 0 FROM payments p CROSS JOIN b
        WHERE p.type = 'purchase' AND p.created_at >= b.start AND p.created_at < b.stop AND ${scope('p.project_id')}
     ) t GROUP BY currency ORDER BY paid DESC, currency`,
    [...base, f.method ?? null, f.projects],
  )
  return rows.map((r) => ({ currency: r.currency.trim() }))
}

function emptyFigures(): HomeFigures {
  return { paid_sum: 0, paid_count: 0, refund_sum: 0, refund_count: 0, payout_sum: 0, payout_count: 0, opened: 0, converted: 0, average_ticket: 0 }
}
