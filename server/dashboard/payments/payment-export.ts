import { Readable } from 'node:stream'
import type { PaymentRow } from '../../../protocol/schemas/dashboard/payments.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { Sql } from '../../storage/sql.ts'
import { CURRENCY_EXPONENTS } from '../../../protocol/money.ts'
import { pdfTableStream, type PdfColumn } from '../export/pdf-table.ts'
import { csvBytes, majorUnits, pullStream, xlsxStream, type Cell, type Sheet } from '../export/spreadsheet.ts'
import { paymentPageSql, queryPayments, type PaymentFilter } from './payment-query.ts'

/** Rows read per query: pages by keyset, so memory holds one page whatever the export's size. */
const CHUNK = 1000
/** The most rows one export writes; a larger set needs narrower filters. */
export const EXPORT_MAX = 500_000

const HEADER = ['created', 'payment_id', 'epay_id', 'project_id', 'status', 'amount', 'currency', 'method', 'card', 'card_brand', 'customer_id', 'customer_email', 'description', 'mode', 'operations']

/** Writes instants in the reader's time zone as `2030-01-15 11:00:00`; an unknown zone is refused. */
export function timeFormatter(tz: string | undefined): (iso: string) => string {
  let format: Intl.DateTimeFormat
  try {
    format = new Intl.DateTimeFormat('sv-SE', { timeZone: tz ?? 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
  } catch {
    throw new PaymentError('validation_failed', 'tz: is not a time zone', { param: 'tz' })
  }
  return (iso) => format.format(new Date(iso))
}

function cells(r: PaymentRow, time: (iso: string) => string): Cell[] {
  return [time(r.created_at), r.payment_id, r.id, r.project_id, r.status, majorUnits(r.amount, r.currency), r.currency, r.method ?? '', r.card_mask ?? '', r.card_brand ?? '',
    r.customer_id ?? '', r.customer_email ?? '', r.description ?? '', r.test ? 'test' : 'live', r.operation_types.join(' ')]
}

/** How many rows a filter has, counted no further than `limit` (keyset order, so within an index). */
export async function countUpTo(sql: Sql, filter: PaymentFilter, limit: number): Promise<number> {
  const { text, params } = paymentPageSql(filter, limit)
  const rows = await sql.query(`SELECT count(*) AS n FROM (${text}) AS page`, params)
  return Number(rows[0]?.['n'] ?? 0)
}

/** Every row of a filter, page by page (keyset), up to EXPORT_MAX. */
async function* rowsOf(sql: Sql, filter: PaymentFilter): AsyncGenerator<PaymentRow[]> {
  let after = filter.after
  let sent = 0
  while (sent < EXPORT_MAX) {
    const rows = await queryPayments(sql, { ...filter, ...(after ? { after } : {}) }, Math.min(CHUNK, EXPORT_MAX - sent))
    if (rows.length === 0) return
    yield rows
    sent += rows.length
    const last = rows.at(-1)!
    after = { createdAt: new Date(last.created_at), id: last.id }
    if (rows.length < CHUNK) return
  }
}

/** The export's one sheet: the filtered payments, page by page, as cells. */
function sheetOf(sql: Sql, filter: PaymentFilter, tz: string | undefined): Sheet {
  const time = timeFormatter(tz)
  async function* pages(): AsyncGenerator<Cell[][]> {
    for await (const rows of rowsOf(sql, filter)) yield rows.map((r) => cells(r, time))
  }
  return { name: 'Payments', header: HEADER, pages: pages() }
}

/** The filtered payments as CSV, pulled page by page. */
export function paymentsCsv(sql: Sql, filter: PaymentFilter, tz: string | undefined): ReadableStream<Uint8Array> {
  return pullStream(csvBytes(sheetOf(sql, filter, tz)))
}

/** The filtered payments as XLSX, streamed with flat memory (xlsxStream). */
export function paymentsXlsx(sql: Sql, filter: PaymentFilter, tz: string | undefined, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  return Readable.toWeb(xlsxStream(sheetOf(sql, filter, tz), onError)) as ReadableStream<Uint8Array>
}

/** The PDF's columns: the list's own, sized to an A4 landscape page (786 pt between margins). */
const PDF_COLUMNS: PdfColumn[] = [
  { header: 'created', width: 78 }, { header: 'payment_id', width: 112 }, { header: 'project', width: 36 }, { header: 'status', width: 72 },
  { header: 'amount', width: 56, align: 'right' }, { header: 'currency', width: 40 }, { header: 'method', width: 36 }, { header: 'card', width: 78 },
  { header: 'customer', width: 108 }, { header: 'description', width: 100 }, { header: 'mode', width: 24 },
]

/** An amount in the currency's exponent, all its digits written (12.50, 1250 for JPY). */
export function amountText(amount: number, currency: string): string {
  return majorUnits(amount, currency).toFixed(CURRENCY_EXPONENTS[currency as keyof typeof CURRENCY_EXPONENTS] ?? 2)
}

/** The filtered payments as a PDF table, streamed with flat memory (pdfTableStream). */
export function paymentsPdf(sql: Sql, filter: PaymentFilter, tz: string | undefined, made: Date, onError: (error: unknown) => void, options: { compress?: boolean } = {}): Readable {
  const time = timeFormatter(tz)
  async function* pages(): AsyncGenerator<Cell[][]> {
    for await (const rows of rowsOf(sql, filter)) {
      yield rows.map((r) => [time(r.created_at), r.payment_id, r.project_id, r.status, amountText(r.amount, r.currency), r.currency, r.method ?? '',
        r.card_mask ?? '', r.customer_email ?? r.customer_id ?? '', r.description ?? '', r.test ? 'test' : 'live'])
    }
  }
  const subtitle = `${time(made.toISOString())} (${tz ?? 'UTC'})`
  return pdfTableStream({ title: 'EPay payments', subtitle, columns: PDF_COLUMNS, pages: pages() }, onError, options)
}
