import { describe, expect, it } from 'vitest'
import { tableText } from '../../dashboard/src/ui/table-text.ts'

describe('tableText', () => {
  it('writes the header and the rows as shown, tab-separated, a cell\'s tabs and line breaks made spaces', () => {
    document.body.innerHTML = `<table>
      <thead><tr><th>Created</th><th>Payment</th><th>Amount</th></tr></thead>
      <tbody>
        <tr><td>1 Dec 2026, 10:00</td><th scope="row"><a href="#">order-1</a> <span class="badge">Test</span></th><td>€12.50</td></tr>
        <tr><td>1 Dec\t2026</td><th>order\n2</th><td>  ¥500 </td></tr>
      </tbody></table>`
    expect(tableText(document.querySelector('table')!)).toBe('Created\tPayment\tAmount\n1 Dec 2026, 10:00\torder-1 Test\t€12.50\n1 Dec 2026\torder 2\t¥500\n')
  })
})
