import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { JournalPageSchema } from '../../../protocol/schemas/dashboard/journal.ts'
import { NotificationPageSchema, NotificationSettingsSchema, OrgNotificationSettingsSchema } from '../../../protocol/schemas/dashboard/notifications.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, ORIGIN, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { card, gate, general, orderId, tickingClock } from '../../fixtures/gate.ts'
import { TEST_PROJECT } from '../../fixtures/test-app.ts'

// The notification settings screen (SPEC §14, issue 13): the organisation's large-refund
// threshold, changed by owners and admins over the whole organisation and validated as the
// other settings are; the large-refund notification then fires at the new threshold; and every
// change of it and of a user's email choices is journalled with its before and after.
// (Which role gets which status is in role-access.test.ts; here, what each answer holds.)

const PATH = '/api/dashboard/organisation/notification-settings'
const MINE = '/api/dashboard/me/notification-settings'

describe.each(testDatabases())('notification settings ($name)', (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let org: string
  const clock = tickingClock()
  type Who = 'owner' | 'admin' | 'adminScoped' | 'manager' | 'viewer' | 'platform' | 'foreignOwner'
  const agents = {} as Record<Who, Agent>
  let foreignOrg: string

  beforeAll(async () => {
    sql = await db.open()
    t = await dashboardApp(sql, { clock, addProject: false })
    org = await t.org('Threshold Traders')
    foreignOrg = await t.org('Other Traders')
    await t.deps.projects.add({ id: TEST_PROJECT.id, name: 'Tea Shop', secret: TEST_PROJECT.secret, testMode: true, orgId: org })
    await t.project(4301, org)
    const people: Array<[Who, Parameters<DashboardTestApp['user']>[1], string | null, number[] | null]> = [
      ['owner', 'owner', org, null], ['admin', 'admin', org, null], ['adminScoped', 'admin', org, [TEST_PROJECT.id]],
      ['manager', 'manager', org, [TEST_PROJECT.id]], ['viewer', 'viewer', org, null], ['platform', 'platform', null, null],
      ['foreignOwner', 'owner', foreignOrg, null],
    ]
    for (const [who, role, orgId, projects] of people) agents[who] = await t.signedIn(await t.user(`${who.toLowerCase()}-${db.name}@threshold.example`, role, orgId, projects))
  }, 120_000)
  afterAll(() => sql.close())

  const read = async (who: Who) => {
    const res = await t.call(agents[who], 'GET', PATH)
    expect(res.status).toBe(200)
    return v.parse(OrgNotificationSettingsSchema, await res.json())
  }
  const stored = async (orgId: string) => Number((await sql.query<{ n: unknown }>('SELECT large_refund_major AS n FROM organisations WHERE id = $1', [orgId]))[0]!.n)
  const journal = async (action: string) => {
    const res = await t.call(agents.owner, 'GET', `/api/dashboard/journal?action=${action}`)
    expect(res.status).toBe(200)
    return v.parse(JournalPageSchema, await res.json()).entries
  }
  const refusal = async (res: Response, status: number) => {
    expect(res.status).toBe(status)
    return v.parse(ErrorEnvelopeSchema, await res.json()).error
  }

  it('shows every member the threshold, editable only for owners and admins over the whole organisation', async () => {
    expect(await read('owner')).toEqual({ large_refund_major: 1000, editable: true })
    expect(await read('admin')).toEqual({ large_refund_major: 1000, editable: true })
    expect(await read('adminScoped')).toEqual({ large_refund_major: 1000, editable: false })
    expect(await read('manager')).toEqual({ large_refund_major: 1000, editable: false })
    expect(await read('viewer')).toEqual({ large_refund_major: 1000, editable: false })
    expect((await refusal(await t.call(agents.platform, 'GET', PATH), 404)).code).toBe('not_found')
  })

  it('refuses a threshold that is not a whole number from 1 to 1 000 000 000, naming the field, and keeps the old one', async () => {
    const bad: unknown[] = [0, -5, 12.5, '2500', null, 1_000_000_001, 1e300, true]
    for (const large_refund_major of bad) {
      const error = await refusal(await t.call(agents.owner, 'PUT', PATH, { large_refund_major }), 400)
      expect(error, JSON.stringify(large_refund_major)).toMatchObject({ code: 'validation_failed', param: 'large_refund_major' })
      expect(error.message).toMatch(/^large_refund_major: must be /)
    }
    expect(await refusal(await t.call(agents.owner, 'PUT', PATH, {}), 400)).toMatchObject({ code: 'validation_failed', param: 'large_refund_major' })
    // Not JSON, or JSON without saying so: refused before anything is read.
    const raw = (body: string, type: string) => t.app.request(`${ORIGIN}${PATH}`, { method: 'PUT', headers: { origin: ORIGIN, cookie: agents.owner.cookie, 'x-epay-csrf': agents.owner.csrf, 'content-type': type }, body })
    expect((await refusal(await raw('{"large_refund_major": 2500', 'application/json'), 400)).code).toBe('validation_failed')
    expect((await refusal(await raw('large_refund_major=2500', 'application/x-www-form-urlencoded'), 400)).code).toBe('validation_failed')
    expect(await stored(org)).toBe(1000)
    expect(await journal('large_refund_threshold_changed')).toEqual([])
  })

  it('refuses a change without the CSRF header or from another origin, and journals the forged one', async () => {
    const put = (headers: Record<string, string>) => t.app.request(`${ORIGIN}${PATH}`, {
      method: 'PUT', headers: { cookie: agents.owner.cookie, 'content-type': 'application/json', ...headers }, body: JSON.stringify({ large_refund_major: 1 }),
    })
    expect((await refusal(await put({ origin: ORIGIN }), 403)).code).toBe('csrf_failed')
    expect((await refusal(await put({ origin: 'https://evil.example', 'x-epay-csrf': agents.owner.csrf }), 403)).code).toBe('csrf_failed')
    expect(await stored(org)).toBe(1000)
    expect((await journal('csrf_refused')).map((e) => e.target)).toEqual([`PUT ${PATH}`, `PUT ${PATH}`])
  })

  it('refuses an admin narrowed to some projects and the roles without the permission, and changes nothing', async () => {
    for (const who of ['adminScoped', 'manager', 'viewer', 'platform'] as const) {
      expect((await refusal(await t.call(agents[who], 'PUT', PATH, { large_refund_major: 5 }), 403)).code, who).toBe('forbidden')
    }
    expect(await stored(org)).toBe(1000)
  })

  it('fires the large-refund notification at the new threshold, in major units of each currency', async () => {
    const sale = async (paymentId: string, amount: number, currency: string) =>
      expect((await gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount, currency }, card: card() })).status).toBe(200)
    let refunds = 0
    const refund = async (paymentId: string, amount: number) =>
      expect((await gate(t.app, '/v2/payment/card/refund', { general: general(paymentId), payment: { amount } }, { key: `refund-${paymentId}-${++refunds}` })).status).toBe(200)
    const largeRefunds = async () => {
      const rows = await sql.query<{ params: unknown }>(`SELECT params FROM notification_events WHERE kind = 'refund_large' ORDER BY id`)
      return rows.map((r) => {
        const p = (typeof r.params === 'string' ? JSON.parse(r.params) : r.params) as { payment_id: string; amount: number; currency: string }
        return [p.payment_id, p.amount, p.currency]
      })
    }
    const eur = orderId('eur')
    const jpy = orderId('jpy')
    await sale(eur, 200_000, 'EUR')
    await sale(jpy, 10_000, 'JPY')
    // Under the default (1 000 major units) a refund of 250.00 EUR is not large.
    await refund(eur, 25_000)
    expect(await largeRefunds()).toEqual([])

    const res = await t.call(agents.admin, 'PUT', PATH, { large_refund_major: 250 })
    expect(res.status).toBe(200)
    expect(v.parse(OrgNotificationSettingsSchema, await res.json())).toEqual({ large_refund_major: 250, editable: true })
    expect(await read('manager')).toEqual({ large_refund_major: 250, editable: false })
    // The other organisation keeps its own.
    expect(await stored(foreignOrg)).toBe(1000)

    // Now the same 250.00 EUR is; 249.99 EUR and 249 JPY are not; 250 JPY is.
    await refund(eur, 24_999)
    await refund(eur, 25_000)
    await refund(jpy, 249)
    await refund(jpy, 250)
    expect(await largeRefunds()).toEqual([[eur, 25_000, 'EUR'], [jpy, 250, 'JPY']])
    // And it reaches the people who get large refunds: the manager in scope sees both.
    await t.d.notifier.tick()
    const page = v.parse(NotificationPageSchema, await (await t.call(agents.manager, 'GET', '/api/dashboard/notifications')).json())
    expect(page.notifications.filter((n) => n.kind === 'refund_large').map((n) => [n.amount, n.currency])).toEqual([[250, 'JPY'], [25_000, 'EUR']])

    // The highest threshold is taken, and then neither refund would be large.
    expect((await t.call(agents.owner, 'PUT', PATH, { large_refund_major: 1_000_000_000 })).status).toBe(200)
    await refund(eur, 30_000)
    expect(await largeRefunds()).toHaveLength(2)
  })

  it('journals each threshold change with who made it and its before and after, and a save that changes nothing not at all', async () => {
    expect((await t.call(agents.owner, 'PUT', PATH, { large_refund_major: 1_000_000_000 })).status).toBe(200)
    const entries = await journal('large_refund_threshold_changed')
    // Newest first: the owner's 1 000 000 000, the admin's 250 (from the default).
    expect(entries.map((e) => [e.actor_email, e.before, e.after])).toEqual([
      [`owner-${db.name}@threshold.example`, { large_refund_major: 250 }, { large_refund_major: 1_000_000_000 }],
      [`admin-${db.name}@threshold.example`, { large_refund_major: 1000 }, { large_refund_major: 250 }],
    ])
    // In the organisation's chain, which still verifies.
    expect((await t.journalActions(org)).filter((a) => a === 'large_refund_threshold_changed')).toHaveLength(2)
    const verified = (await (await t.call(agents.owner, 'GET', '/api/dashboard/journal/verify')).json()) as { ok: boolean }
    expect(verified.ok).toBe(true)
  })

  it('journals a change of a user\'s email choices kind by kind, old → new, and nothing for a save that changes nothing', async () => {
    const current = v.parse(NotificationSettingsSchema, await (await t.call(agents.manager, 'GET', MINE)).json())
    expect(current.email).toMatchObject({ refund_large: true, report_ready: false })
    const changed = { email: { ...current.email, refund_large: false, report_ready: true } }
    expect((await t.call(agents.manager, 'PUT', MINE, changed)).status).toBe(200)
    expect((await t.call(agents.manager, 'PUT', MINE, changed)).status).toBe(200)
    // An invalid body is refused and journals nothing.
    expect((await t.call(agents.manager, 'PUT', MINE, { email: { ...changed.email, refund_large: 'no' } })).status).toBe(400)
    const entries = await journal('notification_settings_changed')
    expect(entries.map((e) => [e.actor_email, e.before, e.after])).toEqual([
      [`manager-${db.name}@threshold.example`, { 'email.refund_large': true, 'email.report_ready': false }, { 'email.refund_large': false, 'email.report_ready': true }],
    ])
    // Back again: a second row, the other way round.
    expect((await t.call(agents.manager, 'PUT', MINE, current)).status).toBe(200)
    const again = await journal('notification_settings_changed')
    expect(again.map((e) => [e.before, e.after])[0]).toEqual([{ 'email.refund_large': false, 'email.report_ready': true }, { 'email.refund_large': true, 'email.report_ready': false }])
    expect(again).toHaveLength(2)
    // Another organisation's owner sees none of it.
    const foreign = v.parse(JournalPageSchema, await (await t.call(agents.foreignOwner, 'GET', '/api/dashboard/journal?action=notification_settings_changed')).json())
    expect(foreign.entries).toEqual([])
  })
})
