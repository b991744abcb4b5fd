import { PassThrough } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import PDFDocument from 'pdfkit'
import type { Cell } from './spreadsheet.ts'
import { pdfFonts } from './pdf-font.ts'

export type PdfColumn = { header: string; width: number; align?: 'right' }
/** A table for a PDF: its rows arrive a page of the database at a time, like a Sheet's. */
export type PdfTable = { title: string; subtitle: string; columns: PdfColumn[]; pages: AsyncIterable<Cell[][]> }

const MARGIN = 28
const GAP = 4
const SIZE = 7
const ROW = 11
/** Rows laid out between turns of the event loop: layout is CPU work, and requests must not wait behind a page of it. */
const ROWS_PER_TURN = 100

/** Resolves when `out` has room again, or has been closed by its reader. */
function room(out: PassThrough): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      out.off('drain', done)
      out.off('close', done)
      resolve()
    }
    out.on('drain', done)
    out.on('close', done)
  })
}

/**
 * The table as a PDF (A4 landscape, DejaVu Sans so Cyrillic renders), by pdfkit: each page is
 * written out when the next begins, and a database page is read only when the previous one has
 * drained to the reader, so memory stays flat however many rows there are. Text is cut to its
 * column with "…": a PDF cannot widen a column the way a spreadsheet can.
 * Hint: pdfkit's layout cache keeps every distinct word it has shaped, unbounded over 100 000
 * rows of ids and e-mails, so it is off (`fontLayoutCache: false`).
 */
export function pdfTableStream(table: PdfTable, onError: (error: unknown) => void = () => undefined, options: { compress?: boolean } = {}): PassThrough {
  const out = new PassThrough({ highWaterMark: 256 * 1024 })
  const doc = new PDFDocument({
    size: 'A4', layout: 'landscape', margin: MARGIN, autoFirstPage: false, fontLayoutCache: false,
    compress: options.compress ?? true, info: { Title: table.title, Producer: 'EPay' },
  })
  // The document is read here, in paused mode, right after each database page is laid out:
  // left flowing, it would hand its pages over only on a later tick, after the drain check.
  const flush = () => {
    for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) out.write(chunk)
  }
  const write = async () => {
    const fonts = pdfFonts()
    doc.registerFont('regular', fonts.regular)
    doc.registerFont('bold', fonts.bold)
    let y = 0
    let page = 0
    const fit = (text: string, width: number) => {
      if (doc.widthOfString(text) <= width) return text
      let lo = 0
      let hi = text.length
      while (lo < hi) {
        const mid = Math.ceil((lo + hi) / 2)
        if (doc.widthOfString(`${text.slice(0, mid)}…`) <= width) lo = mid
        else hi = mid - 1
      }
      return `${text.slice(0, lo)}…`
    }
    const line = (cells: Cell[]) => {
      let x = MARGIN
      table.columns.forEach((column, i) => {
        const text = fit(String(cells[i] ?? ''), column.width)
        const left = column.align === 'right' ? x + column.width - doc.widthOfString(text) : x
        doc.text(text, left, y, { lineBreak: false })
        x += column.width + GAP
      })
      y += ROW
    }
    const newPage = () => {
      doc.addPage()
      page++
      y = MARGIN
      doc.font('bold').fontSize(10)
      doc.text(table.title, MARGIN, y, { lineBreak: false })
      doc.font('regular').fontSize(SIZE)
      const number = String(page)
      doc.text(number, doc.page.width - MARGIN - doc.widthOfString(number), y + 2, { lineBreak: false })
      if (page === 1) doc.text(table.subtitle, MARGIN + 120, y + 2, { lineBreak: false })
      y += 18
      doc.font('bold')
      line(table.columns.map((c) => c.header))
      doc.font('regular')
      doc.moveTo(MARGIN, y - 2).lineTo(doc.page.width - MARGIN, y - 2).lineWidth(0.5).stroke()
      y += 2
    }
    newPage()
    const bottom = doc.page.height - MARGIN
    for await (const rows of table.pages) {
      for (const [i, row] of rows.entries()) {
        if (y + ROW > bottom) newPage()
        line(row)
        if (i % ROWS_PER_TURN === ROWS_PER_TURN - 1) await nextTurn()
      }
      flush()
      // The reader went away: stop reading the database (for-await closes the pages).
      if (out.destroyed) return
      if (out.writableNeedDrain) await room(out)
    }
    doc.on('readable', flush)
    doc.on('end', () => out.end())
    doc.end()
  }
  write().catch((error: unknown) => {
    onError(error)
    out.destroy(error instanceof Error ? error : new Error('pdf failed'))
  })
  return out
}
