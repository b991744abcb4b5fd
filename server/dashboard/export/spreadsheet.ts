import { once } from 'node:events'
import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import { CURRENCY_EXPONENTS } from '../../../protocol/money.ts'
import { csvLine } from '../routes/journal-routes.ts'

export type Cell = string | number
/** One sheet of a file the dashboard writes (payments export, reports): rows arrive a page at a time. */
export type Sheet = { name: string; header: string[]; pages: AsyncIterable<Cell[][]> }

/** Minor units as a number in the currency's exponent (1250 EUR → 12.5; exact in binary for display). */
export function majorUnits(amount: number, currency: string): number {
  return amount / 10 ** (CURRENCY_EXPONENTS[currency as keyof typeof CURRENCY_EXPONENTS] ?? 2)
}

/** The sheet as CSV (RFC 4180), UTF-8 with a BOM so spreadsheet programs read non-Latin text. */
export async function* csvBytes(sheet: Sheet): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder()
  yield encoder.encode('\ufeff' + csvLine(sheet.header))
  for await (const rows of sheet.pages) yield encoder.encode(rows.map(csvLine).join(''))
}

/**
 * The sheet as XLSX, by ExcelJS's streaming writer: each row is committed (serialised and
 * released) as it is added, and a page is read only when the previous one has drained to the
 * reader, so memory stays flat however many rows there are. A failure destroys the stream.
 */
export function xlsxStream(sheet: Sheet, onError: (error: unknown) => void = () => undefined): PassThrough {
  const out = new PassThrough({ highWaterMark: 256 * 1024 })
  const write = async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false })
    const ws = workbook.addWorksheet(sheet.name)
    ws.addRow(sheet.header).commit()
    for await (const rows of sheet.pages) {
      for (const row of rows) ws.addRow(row).commit()
      if (out.writableNeedDrain) await once(out, 'drain')
    }
    ws.commit()
    await workbook.commit()
  }
  write().catch((error: unknown) => {
    onError(error)
    out.destroy(error instanceof Error ? error : new Error('spreadsheet failed'))
  })
  return out
}

/** A web stream that reads `pieces` only as the client takes them (one piece ahead at most). */
export function pullStream(pieces: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await pieces.next()
      if (next.done) controller.close()
      else controller.enqueue(next.value)
    },
    async cancel() {
      await pieces.return(undefined)
    },
  }, { highWaterMark: 1 })
}
