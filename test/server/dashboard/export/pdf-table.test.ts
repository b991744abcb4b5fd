import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import { pdfTableStream, type PdfTable } from '../../../../server/dashboard/export/pdf-table.ts'
import type { Cell } from '../../../../server/dashboard/export/spreadsheet.ts'
import { pdfLines } from '../../../fixtures/pdf-text.ts'

const COLUMNS = [{ header: 'n', width: 60 }, { header: 'name', width: 200 }, { header: 'amount', width: 80, align: 'right' as const }]

/** `count` pages of `size` rows, recording how many pages the writer has pulled. */
function table(count: number, size: number) {
  const pulled = { pages: 0 }
  async function* pages(): AsyncGenerator<Cell[][]> {
    for (let p = 0; p < count; p++) {
      pulled.pages++
      yield Array.from({ length: size }, (_, i) => [p * size + i, `Клиент №${p * size + i} — Ёжик`, ((p * size + i) / 100).toFixed(2)])
    }
  }
  const t: PdfTable = { title: 'Test table', subtitle: 'made now', columns: COLUMNS, pages: pages() }
  return { t, pulled }
}

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of stream) parts.push(part)
  return Buffer.concat(parts)
}

describe('pdfTableStream', () => {
  it('writes every row in order over several pages, each with the header and its number, Cyrillic read back', async () => {
    const { t } = table(3, 50)
    const pages = pdfLines(await bytesOf(pdfTableStream(t)))
    expect(pages.length).toBeGreaterThan(2)
    pages.forEach((lines, i) => {
      expect(lines[0]!.at(-1)).toBe(String(i + 1))
      expect(lines[1]).toEqual(['n', 'name', 'amount'])
    })
    expect(pages[0]![0]).toEqual(['Test table', 'made now', '1'])
    const rows = pages.flatMap((lines) => lines.slice(2))
    expect(rows).toHaveLength(150)
    rows.forEach((row, i) => expect(row).toEqual([String(i), `Клиент №${i} — Ёжик`, (i / 100).toFixed(2)]))
  })

  it('reads the next database page only as the reader takes the file (back-pressure), and stops when the reader leaves', async () => {
    const { t, pulled } = table(400, 20)
    const stream = pdfTableStream(t, undefined, { compress: false })
    await eventually(() => stream.writableNeedDrain)
    const held = pulled.pages
    await sleep(1000)
    // Nobody reads: the writer waits with its buffer full instead of laying out all 8 000 rows.
    expect(pulled.pages).toBe(held)
    expect(held).toBeLessThan(400)
    while (stream.read() !== null) {
      // the reader takes what is there
    }
    await eventually(() => pulled.pages > held)
    stream.destroy()
    await sleep(300)
    const left = pulled.pages
    await sleep(1000)
    expect(pulled.pages).toBeLessThanOrEqual(left + 1)
    expect(pulled.pages).toBeLessThan(400)
  }, 120_000)
})

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !check(); i++) await sleep(100)
  expect(check()).toBe(true)
}
