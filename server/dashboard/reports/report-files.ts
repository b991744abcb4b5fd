import type { ReportFormat, ReportKind } from '../../../protocol/schemas/dashboard/reports.ts'
import type { JobOutput } from '../../jobs/job-worker.ts'
import { toSafeInt, type Sql } from '../../storage/sql.ts'
import { csvBytes, majorUnits, xlsxStream, type Cell, type Sheet } from '../export/spreadsheet.ts'
import { timeFormatter } from '../payments/payment-export.ts'

/** What a report job was asked for, with the projects the asking user could see at that moment. */
export type ReportParams = {
  report: ReportKind
  format: ReportFormat
  from: string
  to: string
  tz: string
  mode: 'live' | 'test'
  /** `null`: every project (a platform operator); otherwise the user's scope, narrowed to one if asked. */
  projects: number[] | null
}

const CHUNK = 2000
const TYPES = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const

/** An amount column as the payments export writes it: a number in the currency's exponent. */
const major = (amount: unknown, currency: string) => majorUnits(toSafeInt(amount, 'amount'), currency)

/**
 * The period as instants: from the user's `from` midnight to the midnight after `to`, in their
 * zone, computed by the database so the zone's rules (DST) are PostgreSQL's.
 */
const PERIOD = `o.created_at >= ($1::date)::timestamp AT TIME ZONE $3 AND o.created_at < ($2::date + 1)::timestamp AT TIME ZONE $3`
const SCOPE = `($4::bigint[] IS NULL OR p.project_id = ANY($4::bigint[])) AND p.test = $5`

/** Every operation of the period, oldest first, read by keyset in chunks. */
async function* operationRows(sql: Sql, params: ReportParams): AsyncGenerator<Cell[][]> {
  const time = timeFormatter(params.tz)
  let after: [string, number] | undefined
  for (;;) {
    const rows = await sql.query(
      `SELECT o.id, o.created_at, p.payment_id, p.project_id, o.type, o.status, o.amount, o.currency, o.method,
              o.code, o.message, o.card_mask, p.customer_id
         FROM operations o JOIN payments p ON p.id = o.payment_row_id
        WHERE ${PERIOD} AND ${SCOPE}
          AND ($6::timestamptz IS NULL OR (o.created_at, o.id) > ($6::timestamptz, $7::bigint))
        ORDER BY o.created_at, o.id LIMIT ${CHUNK}`,
      [params.from, params.to, params.tz, params.projects, params.mode === 'test', after?.[0] ?? null, after?.[1] ?? null],
    )
    if (rows.length === 0) return
    yield rows.map((r) => {
      const created = new Date(r['created_at'] as string | Date).toISOString()
      return [time(created), String(r['payment_id']), toSafeInt(r['id'], 'id'), toSafeInt(r['project_id'], 'project_id'), String(r['type']), String(r['status']),
        major(r['amount'], String(r['currency'])), String(r['currency']), String(r['method'] ?? ''), String(r['code'] ?? ''), String(r['message'] ?? ''),
        String(r['card_mask'] ?? ''), String(r['customer_id'] ?? '')]
    })
    const last = rows.at(-1)!
    after = [new Date(last['created_at'] as string | Date).toISOString(), toSafeInt(last['id'], 'id')]
    if (rows.length < CHUNK) return
  }
}

/** Counts and sums per the user's day, project, currency, method, operation type and status. */
async function* statisticRows(sql: Sql, params: ReportParams): AsyncGenerator<Cell[][]> {
  const rows = await sql.query(
    `SELECT to_char((o.created_at AT TIME ZONE $3)::date, 'YYYY-MM-DD') AS day, p.project_id, o.currency, o.method, o.type, o.status,
            count(*) AS n, sum(o.amount) AS total
       FROM operations o JOIN payments p ON p.id = o.payment_row_id
      WHERE ${PERIOD} AND ${SCOPE}
      GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6`,
    [params.from, params.to, params.tz, params.projects, params.mode === 'test'],
  )
  if (rows.length > 0) {
    yield rows.map((r) => [String(r['day']), toSafeInt(r['project_id'], 'project_id'), String(r['currency']), String(r['method'] ?? ''), String(r['type']), String(r['status']),
      toSafeInt(r['n'], 'count'), major(r['total'], String(r['currency']))])
  }
}

function sheetFor(sql: Sql, params: ReportParams): Sheet {
  return params.report === 'operations'
    ? { name: 'Operations', header: ['created', 'payment_id', 'operation_id', 'project_id', 'type', 'status', 'amount', 'currency', 'method', 'code', 'message', 'card', 'customer_id'], pages: operationRows(sql, params) }
    : { name: 'Statistics', header: ['day', 'project_id', 'currency', 'method', 'type', 'status', 'count', 'amount'], pages: statisticRows(sql, params) }
}

/** Makes the report file a job asked for. */
export function reportFile(sql: Sql, params: ReportParams): JobOutput {
  const sheet = sheetFor(sql, params)
  return {
    fileName: `epay-${params.report}-${params.from}-${params.to}.${params.format}`,
    contentType: TYPES[params.format],
    body: params.format === 'csv' ? csvBytes(sheet) : xlsxStream(sheet),
  }
}
