import { randomBytes } from 'node:crypto'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PaymentDetail, PaymentList } from '../../../protocol/schemas/dashboard/payments.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { seedPayments } from '../../../server/storage/seed-payments.ts'
import { dashboardApp, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { card, expectLedgerBalanced, gate, general, orderId } from '../../fixtures/gate.ts'
import { TEST_PROJECT, callbackReceiver } from '../../fixtures/test-app.ts'

const key = () => randomBytes(12).toString('base64url')

describe.each(testDatabases())('dashboard payments ($name)', (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let receiver: Awaited<ReturnType<typeof callbackReceiver>>
  let org: string
  let manager: Agent
  let viewer: Agent
  let outsider: Agent
  let paid: string
  let authorised: string

  const charge = async (kind: 'sale' | 'auth', amount: number, pan = '4242424242424242', customer = 'cust-dash') => {
    const paymentId = orderId(kind)
    const res = await gate(t.app, `/v2/payment/card/${kind}`, { general: general(paymentId), payment: { amount, currency: 'EUR' }, customer: { id: customer }, card: card(pan) })
    expect(res.status).toBe(200)
    return paymentId
  }
  const list = async (agent: Agent, query: string) => {
    const res = await t.call(agent, 'GET', `/api/dashboard/payments${query}`)
    expect(res.status).toBe(200)
    return (await res.json()) as PaymentList
  }
  const rowId = async (paymentId: string) => (await sql.query<{ id: string }>('SELECT id FROM payments WHERE payment_id = $1', [paymentId]))[0]!.id
  const detail = async (agent: Agent, paymentId: string) => t.call(agent, 'GET', `/api/dashboard/projects/${TEST_PROJECT.id}/payments/${await rowId(paymentId)}`)
  const act = async (agent: Agent, paymentId: string, action: string, body: Record<string, unknown>) =>
    t.call(agent, 'POST', `/api/dashboard/projects/${TEST_PROJECT.id}/payments/${await rowId(paymentId)}/${action}`, body)

  beforeAll(async () => {
    sql = await db.open()
    receiver = await callbackReceiver()
    t = await dashboardApp(sql, { callbackUrl: receiver.url })
    org = await t.org('Shop')
    await sql.query('UPDATE projects SET org_id = $1 WHERE id = $2', [org, TEST_PROJECT.id])
    const other = await t.org('Other')
    await t.project(777001, other)
    manager = await t.signedIn(await t.user('manager@shop.example', 'manager', org))
    viewer = await t.signedIn(await t.user('viewer@shop.example', 'viewer', org))
    outsider = await t.signedIn(await t.user('owner@other.example', 'owner', other))
    paid = await charge('sale', 5000, '5555555555554444', 'cust-find-me')
    authorised = await charge('auth', 3000)
    await seedPayments(sql, { count: 300, projectIds: [TEST_PROJECT.id, 777001], now: new Date('2030-01-15T09:00:00Z'), tag: 1 })
  })
  afterAll(async () => {
    await expectLedgerBalanced(sql)
    await receiver.close()
    await sql.close()
  })

  it('lists the organisation’s payments only, newest first, by keyset pages that never repeat or skip', async () => {
    const seen: string[] = []
    let cursor: string | null = ''
    let pages = 0
    while (cursor !== null) {
      const page = await list(manager, cursor ? `?cursor=${cursor}` : '')
      seen.push(...page.payments.map((p) => p.id))
      for (const p of page.payments) expect(p.project_id).toBe(TEST_PROJECT.id)
      const times = page.payments.map((p) => p.created_at)
      expect([...times].sort().reverse()).toEqual(times)
      cursor = page.next_cursor
      pages++
    }
    const n = (await sql.query<{ n: unknown }>('SELECT count(*) AS n FROM payments WHERE project_id = $1', [TEST_PROJECT.id]))[0]!.n
    expect(new Set(seen).size).toBe(Number(n))
    expect(seen.length).toBe(Number(n))
    expect(pages).toBeGreaterThan(1)
    const other = await list(outsider, '')
    expect(other.payments.every((p) => p.project_id === 777001)).toBe(true)
    expect(other.payments.length).toBeGreaterThan(0)
  })

  it('finds a payment by each filter', async () => {
    const byLast4 = await list(manager, '?last4=4444&mode=test')
    expect(byLast4.payments.map((p) => p.payment_id)).toContain(paid)
    expect(byLast4.payments.every((p) => p.card_mask?.endsWith('4444'))).toBe(true)
    const found = byLast4.payments.find((p) => p.payment_id === paid)!
    expect(found).toMatchObject({ card_mask: '555555******4444', card_brand: 'mastercard', method: 'card', status: 'success', amount: 5000, customer_id: 'cust-find-me' })
    expect((await list(manager, '?first6=555555')).payments.every((p) => p.card_mask?.startsWith('555555'))).toBe(true)
    expect((await list(manager, `?payment=${paid}`)).payments.map((p) => p.payment_id)).toEqual([paid])
    expect((await list(manager, `?payment=${found.id}`)).payments.map((p) => p.payment_id)).toEqual([paid])
    expect((await list(manager, '?customer=cust-find-me')).payments.map((p) => p.payment_id)).toEqual([paid])
    const address = (await sql.query<{ customer_email: string }>('SELECT customer_email FROM payments WHERE project_id = $1 AND customer_email IS NOT NULL LIMIT 1', [TEST_PROJECT.id]))[0]!.customer_email
    const email = (await list(manager, `?customer=${encodeURIComponent(address.toUpperCase())}`)).payments
    expect(email.length).toBeGreaterThan(0)
    expect(email.every((p) => p.customer_email === address)).toBe(true)
    expect((await list(manager, '?status=awaiting%20capture')).payments.every((p) => p.status === 'awaiting capture')).toBe(true)
    expect((await list(manager, '?method=jeton')).payments.every((p) => p.method === 'jeton')).toBe(true)
    expect((await list(manager, '?currency=USD')).payments.every((p) => p.currency === 'USD')).toBe(true)
    const range = (await list(manager, '?currency=EUR&amount_min=29.99&amount_max=50')).payments
    expect(range.map((p) => p.payment_id)).toEqual(expect.arrayContaining([paid, authorised]))
    expect(range.every((p) => p.currency === 'EUR' && p.amount >= 2999 && p.amount <= 5000)).toBe(true)
    expect((await list(manager, '?operation=refund')).payments.every((p) => p.operation_types.includes('refund'))).toBe(true)
    expect((await list(manager, '?mode=live')).payments.every((p) => !p.test)).toBe(true)
    const hour = 3_600_000
    const period = (await list(manager, `?from=${new Date(Date.now() - hour).toISOString()}&to=${new Date(Date.now() + hour).toISOString()}`)).payments
    expect(period.every((p) => Math.abs(Date.parse(p.created_at) - Date.now()) < hour)).toBe(true)
    expect(period.map((p) => p.payment_id)).toEqual(expect.arrayContaining([paid, authorised]))
    expect((await list(manager, `?project=777001`)).payments).toEqual([])
  })

  it('refuses an amount range without a currency, and malformed filters, with the field named', async () => {
    const res = await t.call(manager, 'GET', '/api/dashboard/payments?amount_min=10')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('currency')
    const bad = await t.call(manager, 'GET', '/api/dashboard/payments?last4=12a4')
    expect(((await bad.json()) as { error: { param: string } }).error.param).toBe('last4')
    expect((await t.call(manager, 'GET', '/api/dashboard/payments?currency=EUR&amount_min=1.234')).status).toBe(400)
  })

  it('remembers the chosen columns per user', async () => {
    expect(((await (await t.call(viewer, 'GET', '/api/dashboard/me/payment-columns')).json()) as { columns: string[] }).columns).toContain('amount')
    const put = await t.call(viewer, 'PUT', '/api/dashboard/me/payment-columns', { columns: ['created_at', 'amount', 'card'] })
    expect(put.status).toBe(200)
    expect(await (await t.call(viewer, 'GET', '/api/dashboard/me/payment-columns')).json()).toEqual({ columns: ['created_at', 'amount', 'card'] })
    expect(((await (await t.call(manager, 'GET', '/api/dashboard/me/payment-columns')).json()) as { columns: string[] }).columns).toContain('status')
    expect((await t.call(viewer, 'PUT', '/api/dashboard/me/payment-columns', { columns: ['pan'] })).status).toBe(400)
  })

  it('shows a payment: timeline, totals, masked card, 3-D Secure, callbacks, raw status; not to other organisations', async () => {
    await t.dispatcher.tick()
    const res = await detail(manager, paid)
    expect(res.status).toBe(200)
    const d = (await res.json()) as PaymentDetail
    expect(d.payment).toMatchObject({ payment_id: paid, card_mask: '555555******4444', test: true })
    expect(d.operations).toMatchObject([{ type: 'sale', status: 'success', code: '0', amount: 5000 }])
    expect(d.totals).toEqual({ authorised: 5000, captured: 5000, refunded: 0, refundable: 5000, capturable: 0 })
    expect(d.three_ds).toBe('frictionless')
    expect(d.actions).toEqual({ refund: true, capture: false, cancel: 'refund', resend: true })
    expect(d.callbacks).toMatchObject([{ status: 'delivered', attempts: 1, last_status: 200 }])
    expect(d.raw_status).toMatchObject({ status: 'success', payment: { id: paid } })
    expect(JSON.stringify(d)).not.toContain('5555555555554444')
    const asViewer = (await (await detail(viewer, paid)).json()) as PaymentDetail
    expect(asViewer.actions).toEqual({ refund: false, capture: false, cancel: null, resend: false })
    expect((await detail(outsider, paid)).status).toBe(404)
    expect((await t.call(outsider, 'GET', `/api/dashboard/projects/777001/payments/${await rowId(paid)}`)).status).toBe(404)
  })

  it('refunds part of a payment once per click, through the Gate’s rules, with callback and journal', async () => {
    const click = key()
    const first = await act(manager, paid, 'refund', { idempotency_key: click, amount: 1500, reason: 'Damaged parcel' })
    expect(first.status).toBe(200)
    const result = (await first.json()) as { payment_status: string; operation: { type: string; status: string; amount: number } }
    expect(result).toMatchObject({ payment_status: 'partially refunded', operation: { type: 'refund', status: 'success', amount: 1500 } })
    const again = await act(manager, paid, 'refund', { idempotency_key: click, amount: 1500, reason: 'Damaged parcel' })
    expect(await again.json()).toEqual(result)
    expect((await act(manager, paid, 'refund', { idempotency_key: click, amount: 100, reason: 'Other' })).status).toBe(409)
    const over = await act(manager, paid, 'refund', { idempotency_key: key(), amount: 3501, reason: 'Too much' })
    expect(over.status).toBe(400)
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('invalid_amount')
    expect((await act(manager, paid, 'refund', { idempotency_key: key(), amount: 10 })).status).toBe(400)
    const d = (await (await detail(manager, paid)).json()) as PaymentDetail
    expect(d.totals).toMatchObject({ captured: 5000, refunded: 1500, refundable: 3500 })
    expect(d.operations.map((o) => o.type)).toEqual(['sale', 'refund'])
    await t.dispatcher.tick()
    const bodies = receiver.received.map((r) => JSON.parse(r.body) as { payment: { id: string }; operation: { type: string } })
    expect(bodies.filter((b) => b.payment.id === paid).map((b) => b.operation.type)).toEqual(['sale', 'refund'])
    const journal = await sql.query<{ action: string; after: string; actor_email: string }>(`SELECT action, after, actor_email FROM journal WHERE action = 'payment_refunded'`)
    expect(journal).toHaveLength(1)
    expect(journal[0]!.actor_email).toBe('manager@shop.example')
    expect(JSON.parse(journal[0]!.after)).toMatchObject({ amount: 1500, reason: 'Damaged parcel', payment_status: 'partially refunded' })
  })

  it('refuses a viewer (403) and moves nothing', async () => {
    const res = await act(viewer, paid, 'refund', { idempotency_key: key(), amount: 100, reason: 'Not mine to give' })
    expect(res.status).toBe(403)
    expect((await act(viewer, authorised, 'cancel', { idempotency_key: key() })).status).toBe(403)
    expect(((await (await detail(manager, paid)).json()) as PaymentDetail).totals.refunded).toBe(1500)
  })

  it('captures part of an authorisation, then a cancel of the captured payment refunds the rest', async () => {
    let d = (await (await detail(manager, authorised)).json()) as PaymentDetail
    expect(d.actions).toMatchObject({ capture: true, cancel: 'void', refund: false })
    const cap = await act(manager, authorised, 'capture', { idempotency_key: key(), amount: 2000 })
    expect(cap.status).toBe(200)
    expect(await cap.json()).toMatchObject({ payment_status: 'success', operation: { type: 'capture', amount: 2000 } })
    d = (await (await detail(manager, authorised)).json()) as PaymentDetail
    expect(d.actions.cancel).toBe('refund')
    const cancel = await act(manager, authorised, 'cancel', { idempotency_key: key(), reason: 'Order withdrawn' })
    expect(await cancel.json()).toMatchObject({ payment_status: 'refunded', operation: { type: 'refund', amount: 2000 } })
  })

  it('voids an authorisation with cancel', async () => {
    const auth = await charge('auth', 800)
    const res = await act(manager, auth, 'cancel', { idempotency_key: key() })
    expect(await res.json()).toMatchObject({ payment_status: 'cancelled', operation: { type: 'cancel', status: 'success' } })
    expect(((await (await detail(manager, auth)).json()) as PaymentDetail).actions).toMatchObject({ refund: false, capture: false, cancel: null })
  })

  it('resends a callback now, for money and integration roles only', async () => {
    const d = (await (await detail(manager, paid)).json()) as PaymentDetail
    const cb = d.callbacks[0]!
    const path = `/api/dashboard/projects/${TEST_PROJECT.id}/payments/${d.payment.id}/callbacks/${cb.id}/resend`
    expect((await t.call(viewer, 'POST', path)).status).toBe(403)
    await t.dispatcher.tick()
    const before = receiver.received.length
    expect((await t.call(manager, 'POST', path)).status).toBe(200)
    await t.dispatcher.tick()
    expect(receiver.received.length).toBe(before + 1)
    expect((await t.call(manager, 'POST', `/api/dashboard/projects/${TEST_PROJECT.id}/payments/${d.payment.id}/callbacks/evt_nope/resend`)).status).toBe(404)
  })

  it('exports the filtered set as CSV and XLSX with the same rows as the list, amounts in the currency’s exponent', async () => {
    const all: PaymentList['payments'] = []
    let cursor: string | null = ''
    while (cursor !== null) {
      const page = await list(viewer, `?currency=EUR${cursor ? `&cursor=${cursor}` : ''}`)
      all.push(...page.payments)
      cursor = page.next_cursor
    }
    const csv = await t.call(viewer, 'GET', '/api/dashboard/payments/export.csv?currency=EUR&tz=Europe%2FMoscow')
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toContain('text/csv')
    const lines = (await csv.text()).replace(/^\ufeff/, '').trim().split('\r\n')
    expect(lines[0]).toBe('created,payment_id,epay_id,project_id,status,amount,currency,method,card,card_brand,customer_id,customer_email,description,mode,operations')
    expect(lines.slice(1).map((l) => l.split(',')[2])).toEqual(all.map((p) => p.id))
    const paidLine = lines.find((l) => l.includes(`,${paid},`))!.split(',')
    const paidRow = all.find((p) => p.payment_id === paid)!
    // Moscow is UTC+3 all year: the date is written in the reader's zone.
    const local = new Date(Date.parse(paidRow.created_at) + 3 * 3_600_000).toISOString().replace('T', ' ').slice(0, 19)
    expect(paidLine.slice(0, 8)).toEqual([local, paid, paidRow.id, String(TEST_PROJECT.id), 'partially refunded', '50', 'EUR', 'card'])
    const xlsx = await t.call(viewer, 'GET', '/api/dashboard/payments/export.xlsx?currency=EUR')
    expect(xlsx.status).toBe(200)
    const book = new ExcelJS.Workbook()
    await book.xlsx.load(await xlsx.arrayBuffer())
    const sheet = book.worksheets[0]!
    const values: unknown[][] = []
    sheet.eachRow((row) => values.push((row.values as unknown[]).slice(1)))
    expect(values.slice(1).map((v) => v[2])).toEqual(all.map((p) => p.id))
    expect(values.find((v) => v[1] === paid)!.slice(4, 7)).toEqual(['partially refunded', 50, 'EUR'])
    expect((await sql.query(`SELECT 1 FROM journal WHERE action = 'payments_exported'`)).length).toBe(2)
    expect((await t.call(viewer, 'GET', '/api/dashboard/payments/export.csv?tz=Mars%2FBase')).status).toBe(400)
  })
})
