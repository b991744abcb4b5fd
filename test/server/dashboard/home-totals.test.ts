import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { HomeView } from '../../../protocol/schemas/dashboard/home.ts'
import { capturePostings, payoutHoldPostings, payoutPaidPostings, payoutReleasePostings, refundPostings } from '../../../server/domain/ledger.ts'
import type { Posting } from '../../../server/domain/ports.ts'
import { homeView, type HomeFilter } from '../../../server/dashboard/home/home-figures.ts'
import { keepHomeZones } from '../../../server/dashboard/home/home-zones.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'

// The home figures against a direct sum over generated payments, refunds and payouts. The
// expected side finds each instant's local date with Intl (the JavaScript tz data), the server
// with PostgreSQL's: the two must agree on every day edge, DST switches and odd offsets included.
// Payments carry a country (or none) and are test or live: the figures are for one country when
// asked, and for one mode always (live by default when a project in scope is live).

const ZONES = ['UTC', 'Europe/Moscow', 'America/New_York', 'Europe/London', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns']
// Zones whose daily aggregates are kept (migration 0033): days and months of these are read from
// the aggregates, hours and the other zones from the rows. Both answer every generated case, and
// each answer is also compared whole with the one the rows give.
const KEPT = ['Europe/Moscow', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns']
// 2026-03-08 (US) and 2026-03-29 (EU) switch to summer time; 2026-04-05 Chatham switches back.
const PERIODS = [
  { from: '2026-03-07', to: '2026-03-09' },
  { from: '2026-03-29', to: '2026-03-29' },
  { from: '2026-03-01', to: '2026-04-06' },
  // Whole months in both periods with days on either side: Jan + Feb 1–14 before, Feb 15–28 + Mar now.
  { from: '2026-02-15', to: '2026-03-31' },
]
const P1 = 6101
const P2 = 6102
const OTHER_ORG = 6103
const CURRENCIES = ['EUR', 'USD'] as const
const METHODS = ['card', 'jeton'] as const
const COUNTRIES = ['DE', 'US', null] as const

type Facts = { country: string | null; test: boolean }
type Event = Facts & { first: boolean; at: number; kind: 'posting'; opType: string; paymentId: string; opId: number; account: string; amount: number; currency: string; project: number; method: string }
type Purchase = Facts & { id: string; project: number; currency: string; createdAt: number; charged: boolean; method: string | undefined }
type Decline = Facts & { at: number; code: string; currency: string; project: number; method: string }

const parts = new Map<string, Intl.DateTimeFormat>()
/** Local `YYYY-MM-DDTHH` of an instant in a zone, by Intl. */
function local(ms: number, tz: string): string {
  let f = parts.get(tz)
  if (!f) parts.set(tz, (f = new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' })))
  const p = Object.fromEntries(f.formatToParts(new Date(ms)).map((x) => [x.type, x.value]))
  return `${p['year']}-${p['month']}-${p['day']}T${p['hour']}`
}

/** An instant near a local midnight of the zone, so edges get hit often. */
function nearMidnight(day: string, tz: string, minutes: number): number {
  // Two fixed-point steps find the UTC instant of local 00:00 (offsets change at most once a day).
  let guess = Date.parse(`${day}T00:00:00Z`)
  for (let i = 0; i < 3; i++) {
    const [d, h] = local(guess, tz).split('T')
    const shown = Date.parse(`${d}T${h}:00:00Z`) + (new Date(guess).getUTCMinutes() * 60_000)
    guess += Date.parse(`${day}T00:00:00Z`) - shown
  }
  return guess + minutes * 60_000
}

const shiftDay = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10)

describe.each(testDatabases())('home totals ($name)', (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let agent: Agent
  let seq = 0

  beforeAll(async () => {
    sql = await db.open()
    t = await dashboardApp(sql)
    const org = await t.org('Totals')
    const other = await t.org('Elsewhere')
    await t.project(P1, org)
    await t.project(P2, org, false)
    await t.project(OTHER_ORG, other)
    // P2 is live: its owner needs a second factor (SPEC §14) before any screen answers.
    const owner = await t.user('totals@shop.example', 'owner', org)
    await t.d.users.setTotp(owner.id, null, true, t.deps.clock.now())
    agent = await t.signedIn(owner)
    await keepHomeZones(sql, KEPT)
  })
  afterAll(() => sql.close())

  async function write(purchases: Array<{ p: Purchase; ops: Array<{ opType: string; status: string; amount: number; at: number; code?: string; postings: Posting[] }> }>) {
    await sql.query('TRUNCATE ledger_postings, operations, payments CASCADE')
    // One transaction: one commit (one fsync on PostgreSQL) per generated case, not one per row.
    await sql.transaction(async (sql) => {
    for (const { p, ops } of purchases) {
      const type = ops.some((o) => o.opType === 'payout') ? 'payout' : 'purchase'
      // As the payment store writes them: the method of the last charge attempt, the country.
      const tried = ops.some((o) => ['sale', 'auth'].includes(o.opType))
      await sql.query(
        `INSERT INTO payments (id, project_id, payment_id, type, operation_type, amount, currency, status, max_attempts, params, created_at, updated_at, test, channel, method, country)
         VALUES ($1, $2, $1, $3, 'sale', 100, $4, 'success', 3, '{}', $5, $5, $6, 'gate', $7, $8)`,
        [p.id, p.project, type, p.currency, new Date(p.createdAt), p.test, tried ? p.method ?? 'card' : null, p.country],
      )
      for (const o of ops) {
        const opId = ++seq
        await sql.query(
          `INSERT INTO operations (id, payment_row_id, type, status, amount, currency, request_id, provider_id, code, method, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'sim', $8, $9, $10, $10)`,
          [opId, p.id, o.opType, o.status, o.amount, p.currency, `r${opId}`, o.code ?? null, p.method ?? 'card', new Date(o.at)],
        )
        for (const posting of o.postings) {
          await sql.query('INSERT INTO ledger_postings (project_id, currency, operation_id, account, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
            [p.project, p.currency, opId, posting.account, posting.amount, new Date(o.at)])
        }
      }
    }
    })
  }

  const scenario = fc.record({
    tz: fc.constantFrom(...ZONES),
    period: fc.constantFrom(...PERIODS),
    granularity: fc.constantFrom('hour' as const, 'day' as const, 'month' as const),
    project: fc.constantFrom(undefined, P1),
    method: fc.constantFrom(undefined, ...METHODS),
    currency: fc.constantFrom(undefined, ...CURRENCIES),
    country: fc.constantFrom(undefined, 'DE', 'US'),
    mode: fc.constantFrom(undefined, 'live' as const, 'test' as const),
    payments: fc.array(fc.record({
      country: fc.constantFrom(...COUNTRIES),
      test: fc.boolean(),
      project: fc.constantFrom(P1, P2, OTHER_ORG),
      currency: fc.constantFrom(...CURRENCIES),
      method: fc.constantFrom(...METHODS),
      day: fc.integer({ min: -8, max: 40 }),
      minutes: fc.integer({ min: -90, max: 90 }),
      outcome: fc.constantFrom('opened', 'declined', 'sale', 'auth', 'auth_captured', 'payout', 'payout_declined'),
      amount: fc.integer({ min: 1, max: 5_000_000 }),
      code: fc.constantFrom('20101', '20105', '3001'),
      later: fc.array(fc.integer({ min: 0, max: 3 * 24 * 60 }), { maxLength: 3 }),
      refunds: fc.array(fc.record({ part: fc.integer({ min: 1, max: 100 }), after: fc.integer({ min: 1, max: 4 * 24 * 60 }) }), { maxLength: 2 }),
    }), { minLength: 12, maxLength: 40 }),
  }).filter((s) => !(s.granularity === 'hour' && Date.parse(s.period.to) - Date.parse(s.period.from) > 30 * 86_400_000)) // hours: at most 31 days

  it('equal a direct sum over the generated money, in the user\'s days', async () => {
    await fc.assert(fc.asyncProperty(scenario, async (s) => {
      const rows: Parameters<typeof write>[0] = []
      const postings: Event[] = []
      const purchases: Purchase[] = []
      const declines: Decline[] = []
      s.payments.forEach((g, n) => {
        const at = nearMidnight(shiftDay(s.period.from, g.day), s.tz, g.minutes)
        const facts: Facts = { country: g.country, test: g.test }
        const p: Purchase = { id: `pay_${n}`, project: g.project, currency: g.currency, createdAt: at, charged: false, method: g.method, ...facts }
        const ops: (typeof rows)[number]['ops'] = []
        const op = (opType: string, status: string, amount: number, when: number, ledger: Posting[], code?: string) => {
          ops.push({ opType, status, amount, at: when, postings: ledger, ...(code ? { code } : {}) })
          // A paid payment counts where its first paid posting is (the order they are written in).
          const paidLeg = (l: Posting) => l.account === 'acquirer' && (opType === 'sale' || opType === 'capture')
          for (const l of ledger) postings.push({ ...facts, first: paidLeg(l) && !postings.some((e) => e.paymentId === p.id && e.first), at: when, kind: 'posting', opType, paymentId: p.id, opId: 0, account: l.account, amount: l.amount, currency: g.currency, project: g.project, method: g.method })
        }
        const later = (i: number) => at + (g.later[i] ?? i) * 60_000
        let captured = 0
        if (g.outcome === 'declined') {
          op('sale', 'decline', g.amount, at, [], g.code)
          declines.push({ ...facts, at, code: g.code, currency: g.currency, project: g.project, method: g.method })
        } else if (g.outcome === 'sale') {
          op('sale', 'success', g.amount, at, capturePostings(g.amount))
          captured = g.amount
        } else if (g.outcome === 'auth' || g.outcome === 'auth_captured') {
          op('auth', 'success', g.amount, at, [])
          if (g.outcome === 'auth_captured') {
            // One or two partial captures at later moments: still one paid payment.
            const first = Math.ceil(g.amount / 2)
            op('capture', 'success', first, later(0), capturePostings(first))
            if (g.amount - first > 0) op('capture', 'success', g.amount - first, later(1), capturePostings(g.amount - first))
            captured = g.amount
          }
        } else if (g.outcome === 'payout') {
          op('payout', 'success', g.amount, at, [...payoutHoldPostings(g.amount), ...payoutPaidPostings(g.amount)])
        } else if (g.outcome === 'payout_declined') {
          op('payout', 'decline', g.amount, at, [...payoutHoldPostings(g.amount), ...payoutReleasePostings(g.amount)], g.code)
        }
        p.charged = g.outcome === 'sale' || g.outcome === 'auth' || g.outcome === 'auth_captured'
        let refundable = captured
        for (const r of g.refunds) {
          const amount = Math.min(refundable, Math.max(1, Math.floor((captured * r.part) / 100)))
          if (amount <= 0) break
          refundable -= amount
          op('refund', 'success', amount, at + r.after * 60_000, refundPostings(amount))
        }
        if (!g.outcome.startsWith('payout')) purchases.push(p)
        rows.push({ p, ops })
      })
      await write(rows)

      // Each case is checked as asked and in the other mode: the two never mix, and both add up.
      const check = async (asked: 'live' | 'test' | undefined) => {
        const query = new URLSearchParams({ from: s.period.from, to: s.period.to, tz: s.tz, granularity: s.granularity })
        if (s.project) query.set('project', String(s.project))
        if (s.method) query.set('method', s.method)
        if (s.currency) query.set('currency', s.currency)
        if (s.country) query.set('country', s.country)
        if (asked) query.set('mode', asked)
        const res = await t.call(agent, 'GET', `/api/dashboard/home?${query}`)
        expect(res.status).toBe(200)
        const view = (await res.json()) as HomeView
        const filter: HomeFilter = { from: s.period.from, to: s.period.to, tz: s.tz, granularity: s.granularity, currency: s.currency,
          projects: s.project ? [s.project] : [P1, P2], method: s.method, country: s.country, mode: view.mode }
        expect(await homeView(sql, filter, 'index')).toEqual(view)

        // The direct sum. Without a mode: live, as P2 (in scope unless P1 alone is asked) is live.
        const mode = asked ?? (s.project === P1 ? 'test' : 'live')
        expect(view.mode).toBe(mode)
        const scope = (project: number, facts?: Facts) => (s.project ? project === s.project : project !== OTHER_ORG)
          && (!facts || ((facts.test === (mode === 'test')) && (!s.country || facts.country === s.country)))
        const days = Math.round((Date.parse(s.period.to) - Date.parse(s.period.from)) / 86_400_000) + 1
        const prevFrom = shiftDay(s.period.from, -days)
        const periodOf = (ms: number) => {
          const d = local(ms, s.tz).slice(0, 10)
          return d >= s.period.from && d <= s.period.to ? 'current' : d >= prevFrom && d < s.period.from ? 'previous' : undefined
        }
        const acquirer = postings.filter((e) => e.account === 'acquirer' && scope(e.project, e) && (!s.method || e.method === s.method))
        const paidCurrent = new Map<string, number>()
        for (const e of acquirer) if (periodOf(e.at) === 'current') paidCurrent.set(e.currency, (paidCurrent.get(e.currency) ?? 0) + (['sale', 'capture'].includes(e.opType) ? e.amount : 0))
        for (const p of purchases) if (scope(p.project, p) && periodOf(p.createdAt) === 'current' && !paidCurrent.has(p.currency)) paidCurrent.set(p.currency, 0)
        const currencies = [...paidCurrent].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c)
        expect(view.currencies).toEqual(currencies)
        const currency = s.currency ?? currencies[0]
        expect(view.currency).toBe(currency ?? null)

        const figures = (which: 'current' | 'previous') => {
          const mine = acquirer.filter((e) => e.currency === currency && periodOf(e.at) === which)
          const paid = mine.filter((e) => e.opType === 'sale' || e.opType === 'capture')
          const refunds = mine.filter((e) => e.opType === 'refund')
          const payouts = mine.filter((e) => e.opType === 'payout')
          const opened = purchases.filter((p) => p.currency === currency && scope(p.project, p) && periodOf(p.createdAt) === which && (!s.method || (p.method === s.method && rows.find((r) => r.p === p)!.ops.some((o) => ['sale', 'auth'].includes(o.opType)))))
          const paidSum = paid.reduce((a, e) => a + e.amount, 0)
          const paidCount = paid.filter((e) => e.first).length
          return {
            paid_sum: paidSum, paid_count: paidCount,
            refund_sum: refunds.reduce((a, e) => a - e.amount, 0), refund_count: refunds.length,
            payout_sum: payouts.reduce((a, e) => a - e.amount, 0), payout_count: payouts.length,
            opened: opened.length, converted: opened.filter((p) => p.charged).length,
            average_ticket: paidCount ? Math.round(paidSum / paidCount) : 0,
          }
        }
        expect(view.current).toEqual(figures('current'))
        expect(view.previous).toEqual(figures('previous'))

        const bucketOf = (ms: number) => {
          const [d, h] = local(ms, s.tz).split('T') as [string, string]
          return s.granularity === 'hour' ? `${d}T${h}:00` : s.granularity === 'day' ? `${d}T00:00` : `${d.slice(0, 7)}-01T00:00`
        }
        const sums = new Map<string, number>()
        const counts = new Map<string, number>()
        for (const e of acquirer) {
          if (e.currency !== currency || periodOf(e.at) !== 'current' || !(e.opType === 'sale' || e.opType === 'capture')) continue
          const b = bucketOf(e.at)
          sums.set(b, (sums.get(b) ?? 0) + e.amount)
          if (e.first) counts.set(b, (counts.get(b) ?? 0) + 1)
        }
        expect(Object.fromEntries(view.buckets.map((b, i) => [b, view.series.paid_sum[i]]).filter(([, v]) => v !== 0))).toEqual(Object.fromEntries(sums))
        expect(Object.fromEntries(view.buckets.map((b, i) => [b, view.series.paid_count[i]]).filter(([, v]) => v !== 0))).toEqual(Object.fromEntries(counts))
        if (s.granularity === 'day') expect(view.series.paid_sum.reduce((a, b) => a + b, 0)).toBe(view.current.paid_sum)

        const byCountry = new Map<string | null, { paid_sum: number; payments: number }>()
        for (const e of acquirer) {
          if (e.currency !== currency || periodOf(e.at) !== 'current' || !(e.opType === 'sale' || e.opType === 'capture')) continue
          const c = byCountry.get(e.country) ?? { paid_sum: 0, payments: 0 }
          c.paid_sum += e.amount
          if (e.first) c.payments++
          byCountry.set(e.country, c)
        }
        expect(view.countries).toEqual([...byCountry]
          .map(([country, c]) => ({ country, paid_sum: c.paid_sum, paid_count: c.payments }))
          .sort((a, b) => b.paid_sum - a.paid_sum || (a.country ?? '~').localeCompare(b.country ?? '~')))
        if (view.countries.length) expect(view.countries.reduce((a, c) => a + c.paid_sum, 0)).toBe(view.current.paid_sum)

        const reasons = new Map<string, number>()
        for (const d of declines) if (d.currency === currency && scope(d.project, d) && (!s.method || d.method === s.method) && periodOf(d.at) === 'current') reasons.set(d.code, (reasons.get(d.code) ?? 0) + 1)
        expect(Object.fromEntries(view.declines.map((d) => [d.code, d.count]))).toEqual(Object.fromEntries(reasons))
      }
      await check(s.mode)
      await check(s.mode === 'test' || (!s.mode && s.project === P1) ? 'live' : 'test')
    }), { numRuns: 30 })
  })

  it('adds sales and captures of one period together, a payment captured twice counted once, per country', async () => {
    const at = Date.parse('2026-03-10T12:00:00Z')
    const purchase = (id: string, country: string | null): Purchase => ({ id, project: P2, currency: 'EUR', createdAt: at, charged: true, method: 'card', country, test: false })
    await write([
      { p: purchase('sold', 'DE'), ops: [{ opType: 'sale', status: 'success', amount: 1000, at, postings: capturePostings(1000) }] },
      { p: purchase('captured', 'US'), ops: [
        { opType: 'auth', status: 'success', amount: 700, at, postings: [] },
        { opType: 'capture', status: 'success', amount: 300, at: at + 60_000, postings: capturePostings(300) },
        { opType: 'capture', status: 'success', amount: 400, at: at + 120_000, postings: capturePostings(400) },
      ] },
      { p: { ...purchase('tested', 'DE'), test: true }, ops: [{ opType: 'sale', status: 'success', amount: 5000, at, postings: capturePostings(5000) }] },
    ])
    const res = await t.call(agent, 'GET', '/api/dashboard/home?from=2026-03-10&to=2026-03-10&tz=UTC&granularity=day')
    const view = (await res.json()) as HomeView
    expect(view.mode).toBe('live')
    expect(view.current).toMatchObject({ paid_sum: 1700, paid_count: 2, opened: 2, converted: 2, average_ticket: 850 })
    expect(view.series.paid_sum).toEqual([1700])
    expect(view.countries).toEqual([{ country: 'DE', paid_sum: 1000, paid_count: 1 }, { country: 'US', paid_sum: 700, paid_count: 1 }])
    const test = (await (await t.call(agent, 'GET', '/api/dashboard/home?from=2026-03-10&to=2026-03-10&tz=UTC&mode=test&country=DE')).json()) as HomeView
    expect(test.current).toMatchObject({ paid_sum: 5000, paid_count: 1, opened: 1 })
  })

  // The aggregates follow what changes after a row is written: a purchase's method, country and
  // charged flag, an attempt that turns into a decline, a decline's reason, and a zone added later.
  it('keep the daily aggregates exact as facts change, and count the history of a zone kept later', async () => {
    const at = Date.parse('2026-03-28T18:20:00Z') // 00:05 on the 29th in Kathmandu (+05:45), still the 28th in London
    const purchase = (id: string): Purchase => ({ id, project: P1, currency: 'EUR', createdAt: at, charged: false, method: 'card', country: 'DE', test: true })
    await write([
      { p: purchase('moving'), ops: [{ opType: 'sale', status: 'processing', amount: 900, at, postings: [] }] },
      { p: purchase('staying'), ops: [{ opType: 'sale', status: 'decline', amount: 500, at, code: '20105', postings: [] }] },
    ])
    const filter = (f: Partial<HomeFilter>): HomeFilter => ({ from: '2026-03-29', to: '2026-03-29', tz: 'Asia/Kathmandu', granularity: 'day', currency: 'EUR',
      projects: [P1, P2], method: undefined, country: undefined, mode: 'test', ...f })
    const both = async (f: Partial<HomeFilter>) => {
      const view = await homeView(sql, filter(f))
      expect(await homeView(sql, filter(f), 'index')).toEqual(view)
      return view
    }
    const declined = async (f: Partial<HomeFilter>) => (await both(f)).declines.map((d) => [d.code, d.count])

    // The attempt is declined later, then its payment is retried with a jeton of another country.
    await sql.query(`UPDATE operations SET status = 'decline', code = '20101', message = 'Declined' WHERE payment_row_id = 'moving'`)
    expect(await declined({})).toEqual([['20101', 1], ['20105', 1]])
    await sql.query(`UPDATE payments SET country = 'US', method = 'jeton' WHERE id = 'moving'`)
    expect(await declined({ country: 'DE' })).toEqual([['20105', 1]])
    expect(await declined({ country: 'US' })).toEqual([['20101', 1]])
    expect((await both({ method: 'jeton' })).current).toMatchObject({ opened: 1, converted: 0 })
    expect((await both({ method: 'card' })).current).toMatchObject({ opened: 1, converted: 0 })

    // Paid on the retry: the charged flag (set by the operations trigger) converts it where it now is.
    await sql.query(`INSERT INTO operations (id, payment_row_id, type, status, amount, currency, request_id, provider_id, code, method, created_at, updated_at)
      VALUES (${++seq}, 'moving', 'sale', 'success', 900, 'EUR', 'r-moving', 'sim', '0', 'jeton', $1, $1)`, [new Date(at + 60_000)])
    await sql.query('INSERT INTO ledger_postings (project_id, currency, operation_id, account, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
      [P1, 'EUR', seq, 'acquirer', 900, new Date(at + 60_000)])
    expect((await both({ country: 'US' })).current).toMatchObject({ opened: 1, converted: 1, paid_sum: 900, paid_count: 1 })
    expect((await both({ country: 'DE' })).current).toMatchObject({ opened: 1, converted: 0, paid_sum: 0 })
    // A decline's reason corrected, and one that stops being a decline.
    await sql.query(`UPDATE operations SET code = '3001' WHERE payment_row_id = 'staying'`)
    expect(await declined({})).toEqual([['20101', 1], ['3001', 1]])
    await sql.query(`UPDATE operations SET status = 'processing' WHERE payment_row_id = 'moving' AND status = 'decline'`)
    expect(await declined({})).toEqual([['3001', 1]])
    // The same instants are the 28th in London: a zone kept now counts what was written before.
    expect(await keepHomeZones(sql, ['Europe/London', 'Asia/Kathmandu'])).toEqual(['Europe/London'])
    try {
      expect(await keepHomeZones(sql, ['Europe/London'])).toEqual([])
      const london = await both({ tz: 'Europe/London', from: '2026-03-28', to: '2026-03-28' })
      expect(london.current).toMatchObject({ opened: 2, converted: 1, paid_sum: 900, paid_count: 1 })
      expect(london.declines.map((d) => [d.code, d.count])).toEqual([['3001', 1]])
      const month = await both({ tz: 'Europe/London', from: '2026-03-01', to: '2026-03-31', granularity: 'month' })
      expect(month.series.paid_sum).toEqual([900])
      const [rows] = await sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM home_purchase_days WHERE zone = 'Europe/London'`)
      expect(Number(rows!.n)).toBeGreaterThan(0)
    } finally {
      await sql.query(`SELECT home_forget_zone('Europe/London')`)
    }
    const [left] = await sql.query<{ n: unknown }>(`SELECT count(*) AS n FROM home_money_days WHERE zone = 'Europe/London'`)
    expect(Number(left!.n)).toBe(0)
    await expect(sql.query(`SELECT home_keep_zone('Mars/Olympus')`)).rejects.toThrow()
  })

  // Payments of one key written at once by several connections: each lands in its connection's
  // slot (or waits for the row's lock), none is lost, and the sums read back whole.
  it('count payments written at once on several connections exactly', async () => {
    await write([])
    const at = new Date('2026-03-10T12:00:00Z')
    const amounts = Array.from({ length: 24 }, (_, i) => 100 + i)
    await Promise.all(amounts.map((amount, i) => sql.transaction(async (tx) => {
      const id = `parallel_${i}`
      await tx.query(`INSERT INTO payments (id, project_id, payment_id, type, operation_type, amount, currency, status, max_attempts, params, created_at, updated_at, test, channel, method, country)
        VALUES ($1, $2, $1, 'purchase', 'sale', $3, 'EUR', 'success', 3, '{}', $4, $4, true, 'gate', 'card', 'DE')`, [id, P1, amount, at])
      const opId = 900_000 + i
      await tx.query(`INSERT INTO operations (id, payment_row_id, type, status, amount, currency, request_id, provider_id, code, method, created_at, updated_at)
        VALUES ($1, $2, 'sale', 'success', $3, 'EUR', $4, 'sim', '0', 'card', $5, $5)`, [opId, id, amount, `rp${i}`, at])
      for (const posting of capturePostings(amount)) {
        await tx.query('INSERT INTO ledger_postings (project_id, currency, operation_id, account, amount, created_at) VALUES ($1, $2, $3, $4, $5, $6)',
          [P1, 'EUR', opId, posting.account, posting.amount, at])
      }
    })))
    for (const granularity of ['day', 'month'] as const) {
      const filter: HomeFilter = { from: '2026-03-01', to: '2026-03-31', tz: 'Europe/Moscow', granularity, currency: undefined, projects: [P1, P2],
        method: undefined, country: undefined, mode: 'test' }
      const view = await homeView(sql, filter)
      expect(view.current).toMatchObject({ paid_sum: amounts.reduce((a, b) => a + b, 0), paid_count: amounts.length, opened: amounts.length, converted: amounts.length })
      expect(await homeView(sql, filter, 'index')).toEqual(view)
    }
    if (db.name === 'postgres') {
      const [slots] = await sql.query<{ n: unknown }>(`SELECT count(DISTINCT slot) AS n FROM home_money_days WHERE zone = 'Europe/Moscow'`)
      expect(Number(slots!.n)).toBeGreaterThan(1)
    }
  })

  it('refuses a project of another organisation, and a period too long for hours', async () => {
    const other = await t.call(agent, 'GET', `/api/dashboard/home?from=2026-03-01&to=2026-03-02&tz=UTC&project=${OTHER_ORG}`)
    expect(other.status).toBe(404)
    const long = await t.call(agent, 'GET', '/api/dashboard/home?from=2026-01-01&to=2026-03-02&tz=UTC&granularity=hour')
    expect(long.status).toBe(400)
    const zone = await t.call(agent, 'GET', '/api/dashboard/home?from=2026-03-01&to=2026-03-02&tz=Mars/Olympus')
    expect(zone.status).toBe(400)
  })
})
