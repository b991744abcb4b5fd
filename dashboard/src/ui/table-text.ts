/**
 * A table as tab-separated text, as spreadsheets paste it: the header row, then the rows as
 * shown (the quick search and the chosen columns apply). Tabs and line breaks inside a cell
 * become spaces, so a pasted row never spills into the next cell or line.
 */
export function tableText(table: HTMLTableElement): string {
  const rows = [...table.querySelectorAll('thead tr, tbody tr')]
  return rows
    .map((row) => [...row.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').replace(/[\t\r\n]+/g, ' ').replace(/\s{2,}/g, ' ').trim()).join('\t'))
    .join('\n') + '\n'
}
