import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { JournalPage } from '../../../protocol/schemas/dashboard/journal.ts'
import { dashboardApp, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { fixedClock } from '../../fixtures/test-app.ts'

const OWNER_IP = '198.51.100.41'
const ADMIN_IP = '198.51.100.42'

// The journal screen (SPEC §14): who, when, from which address and browser, what, before and
// after, for dashboard actions; filtered by period, user, action and project; exported as CSV.
describe.each(testDatabases())('journal screen ($name)', (db) => {
  let t: DashboardTestApp
  const clock = fixedClock(new Date('2030-05-01T08:00:00Z'))
  let owner: Agent
  let admin: Agent
  let ownerId: string

  const page = async (agent: Agent, query: string) => {
    const res = await t.call(agent, 'GET', `/api/dashboard/journal${query}`)
    expect(res.status).toBe(200)
    return ((await res.json()) as JournalPage).entries
  }

  beforeAll(async () => {
    t = await dashboardApp(await db.open(), { clock })
    const org = await t.org('Epsilon Tea')
    await t.project(5101, org)
    await t.project(5102, org)
    const o = await t.user('owner@epsilon.example', 'owner', org)
    ownerId = o.id
    owner = await t.signedIn(o, OWNER_IP)
    const a = await t.user('admin@epsilon.example', 'admin', org)
    const as = async (agent: Agent, ip: string, ua: string, method: string, path: string, body: unknown) =>
      expect((await t.call(agent, method, path, body, { 'user-agent': ua }, ip)).status).toBe(200)

    // 08:00 the owner sets a callback on 5101; 08:20 renames 5102; 08:40 the admin sets limits on
    // 5101 (steps shorter than the 30-minute idle limit of a session).
    await as(owner, OWNER_IP, 'Firefox/140', 'PATCH', '/api/dashboard/projects/5101', { callback_url: 'https://tea.example/callbacks' })
    clock.advance(20 * 60_000)
    await as(owner, OWNER_IP, 'Firefox/140', 'PATCH', '/api/dashboard/projects/5102', { name: 'Tea to go' })
    clock.advance(20 * 60_000)
    admin = await t.signedIn(a, ADMIN_IP)
    await as(admin, ADMIN_IP, 'Safari/19', 'PUT', '/api/dashboard/projects/5101/limits', { limits: [{ operation: 'sale', currency: 'EUR', min_amount: 100, max_amount: 50_000, daily_amount: null, daily_count: 20, monthly_amount: null, monthly_count: null }] })
  })
  afterAll(() => t.sql.close())

  it('records who, when, the address, the browser, what and the values before and after', async () => {
    const [entry] = await page(owner, '?action=project_updated&project=5101')
    expect(entry).toMatchObject({
      at: '2030-05-01T08:00:00.000Z', actor_id: ownerId, actor_email: 'owner@epsilon.example', ip: OWNER_IP, user_agent: 'Firefox/140',
      action: 'project_updated', project_id: 5101,
      before: { callback_url: null }, after: { callback_url: 'https://tea.example/callbacks' },
    })
  })

  it('filters by period, user, action and project, each alone and together', async () => {
    const actions = (entries: JournalPage['entries']) => entries.map((e) => `${e.action}:${e.project_id}`)
    expect(actions(await page(owner, '?project=5101'))).toEqual(['project_limits_updated:5101', 'project_updated:5101'])
    expect(actions(await page(owner, '?action=project_updated'))).toEqual(['project_updated:5102', 'project_updated:5101'])
    expect(actions(await page(owner, '?user=ADMIN@epsilon.example'))).toEqual(['project_limits_updated:5101'])
    expect(actions(await page(owner, `?from=${encodeURIComponent('2030-05-01T08:10:00Z')}&to=${encodeURIComponent('2030-05-01T08:30:00Z')}`))).toEqual(['project_updated:5102'])
    expect(actions(await page(owner, `?user=owner@epsilon.example&project=5101&from=${encodeURIComponent('2030-05-01T07:00:00Z')}`))).toEqual(['project_updated:5101'])
    expect(await page(owner, '?user=nobody@epsilon.example')).toEqual([])
    expect((await t.call(owner, 'GET', '/api/dashboard/journal?action=made_up')).status).toBe(400)
  })

  it('exports the filtered rows as CSV, and journals the export', async () => {
    const res = await t.call(admin, 'GET', '/api/dashboard/journal/export.csv?project=5101')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/csv')
    const lines = (await res.text()).replace(/^\ufeff/, '').trim().split('\r\n')
    expect(lines[0]).toBe('time,user,action,project,target,address,user agent,before,after')
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 6).join(','))).toEqual([
      `2030-05-01T08:40:00.000Z,admin@epsilon.example,project_limits_updated,5101,,${ADMIN_IP}`,
      `2030-05-01T08:00:00.000Z,owner@epsilon.example,project_updated,5101,,${OWNER_IP}`,
    ])
    expect(lines[2]).toContain('https://tea.example/callbacks')
    expect((await page(owner, '?action=journal_exported'))[0]).toMatchObject({ actor_email: 'admin@epsilon.example', after: { project: 5101 } })
  })
})
