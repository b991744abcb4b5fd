import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { InvoiceDetailSchema, InvoiceListSchema, InvoiceViewSchema, type InvoiceView } from '../../../protocol/schemas/dashboard/invoices.ts'
import { createMailer } from '../../../server/dashboard/mail/mailer.ts'
import { verify } from '../../../server/signature/signature.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, ORIGIN, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { startSmtp } from '../../fixtures/smtp.ts'
import { fixedClock, tokenFrom } from '../../fixtures/test-app.ts'

// Invoices (payment links, SPEC §14, issue 12 item 6): the link /invoice/<id> becomes a payment
// of the invoice's project on the normal hosted page, with parameters EPay signs itself; the
// invoice follows its payments (paid, expired, cancelled) and is mailed over real SMTP.

const P1 = 7401
const P2 = 7402
const OTHER = 7403
const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }
const DECLINE = { ...CARD, pan: '4000000000000002' }

describe.each(testDatabases())('invoices ($name)', { timeout: 120_000 }, (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let manager: Agent
  let viewer: Agent
  let stranger: Agent
  let users: Array<{ id: string; email: string }>
  /** Sessions end after 30 idle minutes: after moving the clock, everyone signs in again. */
  const signInAll = async () => {
    const [m, v2, s2] = users
    manager = await t.signedIn(m!)
    viewer = await t.signedIn(v2!)
    stranger = await t.signedIn(s2!)
  }
  const clock = fixedClock(new Date('2030-03-10T10:00:00Z'))

  beforeAll(async () => {
    smtp = await startSmtp()
    sql = await db.open()
    t = await dashboardApp(sql, { clock })
    t.d.mailer = createMailer({ smtpUrl: smtp.url, from: 'EPay <no-reply@epay.test>', demo: false, sql, logger: t.deps.logger, clock })
    const org = await t.org('Tea Room')
    const other = await t.org('Coffee Corner')
    await t.project(P1, org)
    await t.project(P2, org)
    await t.project(OTHER, other)
    users = [await t.user('manager@tea.example', 'manager', org), await t.user('viewer@tea.example', 'viewer', org), await t.user('owner@coffee.example', 'owner', other)]
    await signInAll()
  })
  afterAll(async () => {
    await sql.close()
    await smtp.close()
  })

  const create = async (body: Record<string, unknown>, project = P1, agent = manager): Promise<InvoiceView> => {
    const res = await t.call(agent, 'POST', `/api/dashboard/projects/${project}/invoices`, { amount: 2500, currency: 'EUR', reusable: false, ...body })
    expect(res.status).toBe(200)
    return v.parse(InvoiceViewSchema, await res.json())
  }
  const detail = async (invoice: InvoiceView, agent = manager) => {
    const res = await t.call(agent, 'GET', `/api/dashboard/projects/${invoice.project_id}/invoices/${invoice.id}`)
    expect(res.status).toBe(200)
    return v.parse(InvoiceDetailSchema, await res.json())
  }
  const list = async (query: string, agent = manager) => v.parse(InvoiceListSchema, await (await t.call(agent, 'GET', `/api/dashboard/invoices${query}`)).json())
  /** Opens the link as a shopper's browser does: the redirect, then the signed page; returns the page's session and URL. */
  const open = async (url: string) => {
    const link = await t.app.request(url)
    expect(link.status).toBe(303)
    const location = link.headers.get('location')!
    expect(location.startsWith('/payment?')).toBe(true)
    const page = await t.app.request(`${ORIGIN}${location}`)
    expect(page.status).toBe(200)
    return { token: tokenFrom(await page.text()), params: new URLSearchParams(location.slice('/payment?'.length)) }
  }
  const pay = (token: string, card = CARD) =>
    t.app.request('/api/page/pay', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ method: 'card', card }) })
  const errorOf = async (res: Response) => v.parse(ErrorEnvelopeSchema, await res.json()).error
  const paymentsOf = (id: string) => sql.query<{ payment_id: string; status: string; amount: string }>(`SELECT payment_id, status, amount FROM payments WHERE invoice_id = $1 ORDER BY created_at, payment_id`, [id])

  it('refuses a bad invoice with the field named, and a role or project it may not use', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ amount: 0 }, 'amount'],
      [{ amount: 12.5 }, 'amount'],
      [{ currency: 'XYZ' }, 'currency'],
      [{ description: 'tea; and biscuits' }, 'description'],
      [{ customer_email: 'not-an-email' }, 'customer_email'],
      [{ customer_phone: 'call me' }, 'customer_phone'],
      [{ expires_at: '2030-03-10T09:00:00.000Z' }, 'expires_at'],
      [{ expires_at: '2031-06-01T00:00:00.000Z' }, 'expires_at'],
      [{ reusable: 'yes' }, 'reusable'],
    ]
    for (const [body, param] of cases) {
      const res = await t.call(manager, 'POST', `/api/dashboard/projects/${P1}/invoices`, { amount: 2500, currency: 'EUR', reusable: false, ...body })
      expect(res.status, param).toBe(400)
      expect(await errorOf(res)).toMatchObject({ code: 'validation_failed', param })
    }
    expect((await t.call(viewer, 'POST', `/api/dashboard/projects/${P1}/invoices`, { amount: 2500, currency: 'EUR', reusable: false })).status).toBe(403)
    expect((await t.call(manager, 'POST', `/api/dashboard/projects/${OTHER}/invoices`, { amount: 2500, currency: 'EUR', reusable: false })).status).toBe(404)
    expect(Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM invoices'))[0]!.n)).toBe(0)
  })

  it('opens a payment of the invoice on the hosted page from a link EPay signed with the project secret', async () => {
    const invoice = await create({ description: 'Darjeeling, 250 g', customer_email: 'jane@shopper.example', customer_phone: '+44 20 7946 0000', expires_at: '2030-03-17T10:00:00.000Z' })
    expect(invoice).toMatchObject({ status: 'active', url: `${ORIGIN}/invoice/${invoice.id}`, paid_count: 0, paid_payment: null })
    expect(invoice.url).not.toMatch(/signature|secret/)
    const { token, params } = await open(invoice.url)
    const secret = (await t.deps.projects.get(P1))!.secrets[0]!
    const signed = Object.fromEntries([...params].filter(([k]) => k !== 'signature'))
    expect(verify(signed, params.get('signature')!, secret)).toBe(true)
    expect(signed).toEqual({
      project_id: String(P1), payment_id: `${invoice.id}-1`, payment_amount: '2500', payment_currency: 'EUR', payment_description: 'Darjeeling, 250 g',
      customer_email: 'jane@shopper.example', customer_phone: '+44 20 7946 0000', best_before: '2030-03-17T10:00:00.000Z',
    })
    const session = await (await t.app.request('/api/page/session', { headers: { authorization: `Bearer ${token}` } })).json() as { payment: { amount: number; currency: string } }
    expect(session.payment).toMatchObject({ amount: 2500, currency: 'EUR' })
    expect(await paymentsOf(invoice.id)).toEqual([{ payment_id: `${invoice.id}-1`, status: 'new', amount: expect.anything() }])
    // Opened again before paying: the same payment, not a second one.
    await open(invoice.url)
    expect(await paymentsOf(invoice.id)).toHaveLength(1)
    const shown = await detail(invoice)
    expect(shown.invoice.status).toBe('active')
    expect(shown.payments.map((p) => p.payment_id)).toEqual([`${invoice.id}-1`])
    expect(shown.qr_svg).toMatch(/^<svg/)
    // A link checker's HEAD creates nothing.
    expect((await t.app.request(invoice.url, { method: 'HEAD' })).status).toBe(200)
    expect(await paymentsOf(invoice.id)).toHaveLength(1)
  })

  it('is paid when its payment succeeds, and a single-use invoice is never paid twice', async () => {
    const invoice = await create({ amount: 1999 })
    const { token } = await open(invoice.url)
    expect((await pay(token)).status).toBe(200)
    const paid = await detail(invoice)
    expect(paid.invoice).toMatchObject({ status: 'paid', paid_count: 1, paid_at: '2030-03-10T10:00:00.000Z' })
    expect(paid.invoice.paid_payment).toBe(paid.payments[0]!.id)
    expect(paid.payments[0]).toMatchObject({ status: 'success', amount: 1999, card_mask: '424242******4242' })
    expect(paid.actions).toEqual({ cancel: false, send: false })
    expect((await list('?status=paid')).invoices.map((i) => i.id)).toContain(invoice.id)
    expect((await list('?status=active')).invoices.map((i) => i.id)).not.toContain(invoice.id)
    // Opening the link again shows the paid payment; paying it again is refused.
    const again = await open(invoice.url)
    expect(again.params.get('payment_id')).toBe(`${invoice.id}-1`)
    const second = await pay(again.token)
    expect(second.status).toBe(409)
    expect((await errorOf(second)).code).toBe('payment_completed')
    expect(await paymentsOf(invoice.id)).toEqual([{ payment_id: `${invoice.id}-1`, status: 'success', amount: expect.anything() }])
  })

  it('a single-use invoice starts a new payment only once the last one can no longer be paid', async () => {
    const invoice = await create({ amount: 700 })
    const { token } = await open(invoice.url)
    for (let i = 0; i < 3; i++) expect((await pay(token, DECLINE)).status).toBe(200)
    expect(await paymentsOf(invoice.id)).toEqual([{ payment_id: `${invoice.id}-1`, status: 'decline', amount: expect.anything() }])
    const next = await open(invoice.url)
    expect(next.params.get('payment_id')).toBe(`${invoice.id}-2`)
    expect((await pay(next.token)).status).toBe(200)
    expect((await detail(invoice)).invoice.status).toBe('paid')
  })

  it('a reusable invoice makes a new payment each time, is paid many times and stays active', async () => {
    const invoice = await create({ amount: 500, reusable: true })
    const first = await open(invoice.url)
    const second = await open(invoice.url)
    expect(first.params.get('payment_id')).toBe(`${invoice.id}-1`)
    expect(second.params.get('payment_id')).toBe(`${invoice.id}-2`)
    expect((await pay(first.token)).status).toBe(200)
    expect((await pay(second.token)).status).toBe(200)
    const shown = await detail(invoice)
    expect(shown.invoice).toMatchObject({ status: 'active', paid_count: 2, paid_payment: null })
    expect(shown.payments.map((p) => p.status)).toEqual(['success', 'success'])
  })

  it('refuses an expired link with the localised error page and lists the invoice as expired', async () => {
    const invoice = await create({ expires_at: '2030-03-10T11:00:00.000Z' })
    expect((await open(invoice.url)).params.get('best_before')).toBe('2030-03-10T11:00:00.000Z')
    clock.advance(2 * 3600_000)
    await signInAll()
    const res = await t.app.request(invoice.url, { headers: { 'accept-language': 'ru' } })
    expect(res.status).toBe(400)
    const html = await res.text()
    expect(html).toContain('data-error-code="payment_expired"')
    expect(html).toContain('Срок действия ссылки на оплату истёк.')
    expect((await t.app.request(invoice.url, { method: 'HEAD' })).status).toBe(400)
    expect((await detail(invoice)).invoice.status).toBe('expired')
    expect((await list('?status=expired')).invoices.map((i) => i.id)).toContain(invoice.id)
    expect(await paymentsOf(invoice.id)).toHaveLength(1)
    // Mailing or cancelling an expired invoice is refused.
    expect((await t.call(manager, 'POST', `/api/dashboard/projects/${P1}/invoices/${invoice.id}/send`, { email: 'jane@shopper.example', language: 'en' })).status).toBe(409)
    expect((await t.call(manager, 'POST', `/api/dashboard/projects/${P1}/invoices/${invoice.id}/cancel`)).status).toBe(409)
  })

  it('a cancelled invoice refuses its link, and its open payment can no longer be paid', async () => {
    const invoice = await create({ amount: 1200 }, P2)
    const { token } = await open(invoice.url)
    expect((await t.call(viewer, 'POST', `/api/dashboard/projects/${P2}/invoices/${invoice.id}/cancel`)).status).toBe(403)
    const res = await t.call(manager, 'POST', `/api/dashboard/projects/${P2}/invoices/${invoice.id}/cancel`)
    expect(res.status).toBe(200)
    expect(v.parse(InvoiceViewSchema, await res.json()).status).toBe('cancelled')
    const link = await t.app.request(invoice.url)
    expect(link.status).toBe(410)
    expect(await link.text()).toContain('data-error-code="invoice_cancelled"')
    expect((await pay(token)).status).not.toBe(200)
    expect(await paymentsOf(invoice.id)).toEqual([{ payment_id: `${invoice.id}-1`, status: 'expired', amount: expect.anything() }])
    expect((await list(`?status=cancelled&project=${P2}`)).invoices.map((i) => i.id)).toEqual([invoice.id])
    expect(await t.journalActions((await t.d.users.get(manager.userId))!.orgId)).toEqual(expect.arrayContaining(['invoice_created', 'invoice_cancelled']))
  })

  it('mails the link over SMTP in the chosen language, and the link in the mail opens the payment', async () => {
    const invoice = await create({ amount: 4250, description: 'Gift box', customer_email: 'jane@shopper.example', expires_at: '2030-03-20T18:30:00.000Z' })
    const res = await t.call(manager, 'POST', `/api/dashboard/projects/${P1}/invoices/${invoice.id}/send`, { language: 'ru' })
    expect(res.status).toBe(200)
    expect(v.parse(InvoiceViewSchema, await res.json())).toMatchObject({ last_sent_to: 'jane@shopper.example' })
    const mail = await smtp.mailTo('jane@shopper.example', /Project 7401/)
    expect(mail.subject.replace(/\s/g, ' ')).toBe('Счёт от Project 7401: 42,50 €')
    expect(mail.text).toContain('Назначение: Gift box')
    expect(mail.text.replace(/\s/g, ' ')).toContain('Ссылка действует до 20 марта 2030 г. в 18:30 UTC.')
    const url = /https?:\/\/\S+\/invoice\/inv_[A-Za-z0-9_-]{22}/.exec(mail.text)![0]
    expect(url).toBe(invoice.url)
    expect(mail.html).toContain(`href="${invoice.url}"`)
    expect((await open(url)).params.get('payment_amount')).toBe('4250')
    // Another address, in English; without any address the send is refused with the field named.
    expect((await t.call(manager, 'POST', `/api/dashboard/projects/${P1}/invoices/${invoice.id}/send`, { email: 'accounts@buyer.example', language: 'en' })).status).toBe(200)
    expect((await smtp.mailTo('accounts@buyer.example', /Invoice from Project 7401: €42\.50/)).text).toContain(invoice.url)
    const bare = await create({})
    const refused = await t.call(manager, 'POST', `/api/dashboard/projects/${P1}/invoices/${bare.id}/send`, { language: 'en' })
    expect(refused.status).toBe(400)
    expect((await errorOf(refused)).param).toBe('email')
    expect((await t.call(viewer, 'POST', `/api/dashboard/projects/${P1}/invoices/${invoice.id}/send`, { language: 'en' })).status).toBe(403)
  })

  it('lists with filters for the organisation only, and another organisation cannot reach an invoice', async () => {
    const mine = await create({ amount: 333 }, P2)
    const theirs = await create({ amount: 444 }, OTHER, stranger)
    const all = (await list('')).invoices.map((i) => i.id)
    expect(all).toContain(mine.id)
    expect(all).not.toContain(theirs.id)
    expect((await list(`?project=${P2}`)).invoices.every((i) => i.project_id === P2)).toBe(true)
    expect((await list('?from=2030-03-11T00:00:00.000Z')).invoices).toEqual([])
    expect((await list('', stranger)).invoices.map((i) => i.id)).toEqual([theirs.id])
    expect((await t.call(stranger, 'GET', `/api/dashboard/projects/${P2}/invoices/${mine.id}`)).status).toBe(404)
    expect((await t.call(stranger, 'GET', `/api/dashboard/projects/${OTHER}/invoices/${mine.id}`)).status).toBe(404)
    expect((await t.call(stranger, 'POST', `/api/dashboard/projects/${OTHER}/invoices/${mine.id}/cancel`)).status).toBe(404)
    expect((await detail(mine, viewer)).actions).toEqual({ cancel: false, send: false })
    expect((await t.call(manager, 'GET', '/api/dashboard/invoices?status=unknown')).status).toBe(400)
  })

  it('pages the list by cursor, newest first', async () => {
    for (let i = 0; i < 51; i++) {
      clock.advance(1000)
      await create({ amount: 100 + i }, P2)
    }
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const page = await list(`?project=${P2}${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...page.invoices.map((i) => i.id))
      cursor = page.next_cursor
      pages++
    } while (cursor && pages < 10)
    expect(pages).toBe(2)
    expect(new Set(seen).size).toBe(seen.length)
    const created = (await sql.query<{ id: string }>(`SELECT id FROM invoices WHERE project_id = $1 ORDER BY created_at DESC, id DESC`, [P2])).map((r) => r.id)
    expect(seen).toEqual(created)
  })
})
