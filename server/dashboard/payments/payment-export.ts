import { PassThrough, Readable } from 'node:stream'
import { once } from 'node:events'
import ExcelJS from 'exceljs'
import { CURRENCY_EXPONENTS } from '../../../protocol/money.ts'
import type { PaymentRow } from '../../../protocol/schemas/dashboard/payments.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { Sql } from '../../storage/sql.ts'
import { csvLine } from '../routes/journal-routes.ts'
import { queryPayments, type PaymentFilter } from './payment-query.ts'

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

/** Minor units as a number in the currency's exponent (1250 EUR → 12.5; exact in binary for display). */
const major = (r: PaymentRow) => r.amount / 10 ** CURRENCY_EXPONENTS[r.currency]

function cells(r: PaymentRow, time: (iso: string) => string): Array<string | number> {
  return [time(r.created_at), r.payment_id, r.id, r.project_id, r.status, major(r), r.currency, r.method ?? '', r.card_mask ?? '', r.card_brand ?? '',
    r.customer_id ?? '', r.customer_email ?? '', r.description ?? '', r.test ? 'test' : 'live', r.operation_types.join(' ')]
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

/** The filtered payments as CSV (RFC 4180, UTF-8 with BOM for spreadsheets), pulled page by page. */
export function paymentsCsv(sql: Sql, filter: PaymentFilter, tz: string | undefined): ReadableStream<Uint8Array> {
  const time = timeFormatter(tz)
  const encoder = new TextEncoder()
  const pages = rowsOf(sql, filter)
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode('\ufeff' + csvLine(HEADER)))
    },
    async pull(controller) {
      const next = await pages.next()
      if (next.done) return controller.close()
      controller.enqueue(encoder.encode(next.value.map((r) => csvLine(cells(r, time))).join('')))
    },
    async cancel() {
      await pages.return(undefined)
    },
  }, { highWaterMark: 1 })
}

/**
 * The filtered payments as XLSX, written by ExcelJS's streaming writer: each row is committed
 * (serialised and released) as it is added, and a page is read only when the previous one has
 * drained to the client, so memory stays flat however many rows there are.
 */
export function paymentsXlsx(sql: Sql, filter: PaymentFilter, tz: string | undefined, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const time = timeFormatter(tz)
  const out = new PassThrough({ highWaterMark: 256 * 1024 })
  const run = async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false })
    const sheet = workbook.addWorksheet('Payments')
    sheet.addRow(HEADER).commit()
    for await (const rows of rowsOf(sql, filter)) {
      for (const r of rows) sheet.addRow(cells(r, time)).commit()
      if (out.writableNeedDrain) await once(out, 'drain')
    }
    sheet.commit()
    await workbook.commit()
  }
  run().catch((error: unknown) => {
    onError(error)
    out.destroy(error instanceof Error ? error : new Error('export failed'))
  })
  return Readable.toWeb(out) as ReadableStream<Uint8Array>
}
