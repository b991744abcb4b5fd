import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'

// Every dashboard endpoint × every role × a target in the user's scope, one outside it (same
// organisation) and one of another organisation: the expected answers are written out here,
// by hand, from SPEC §14 — never read from the server's permission table.
//
// Organisation A has projects 5001 and 5002; organisation B has 6001. admin, manager, viewer
// and developer are narrowed to 5001; owner and admin_all have every project of A; platform
// belongs to no organisation. Member targets: a viewer of 5001 (in), a viewer of 5002 (out),
// a viewer of organisation B (other). 200 = allowed, 403 = the role may not, 404 = not visible.
//
// To add an endpoint (issues 12, 13): add a row with its request and the expected answers.

const ACTORS = ['owner', 'admin', 'admin_all', 'manager', 'viewer', 'developer', 'platform'] as const
type Actor = (typeof ACTORS)[number]
type Target = 'in' | 'out' | 'other'
type Expect = Record<Actor, number | [number, number, number]>
type Row = { endpoint: string; request: (target: Target | undefined, n: number) => { method: string; path: string; body?: unknown }; expect: Expect }

const P = { in: 5001, out: 5002, other: 6001 } as const
let members: Record<Target, string>

const project = (method: string, suffix = '', body?: unknown) => (t: Target | undefined) => ({ method, path: `/api/dashboard/projects/${P[t!]}${suffix}`, body })
const member = (method: string, suffix = '', body?: unknown) => (t: Target | undefined) => ({ method, path: `/api/dashboard/team/${members[t!]}${suffix}`, body })
const plain = (method: string, path: string, body?: unknown) => () => ({ method, path, body })

const ROWS: Row[] = [
  { endpoint: 'GET /projects', request: plain('GET', '/api/dashboard/projects'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'POST /projects', request: (_t, n) => ({ method: 'POST', path: '/api/dashboard/projects', body: { name: `New ${n}` } }),
    expect: { owner: 200, admin: 403, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 403 } },
  { endpoint: 'GET /projects/:project', request: project('GET'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [200, 404, 404], platform: [200, 200, 200] } },
  { endpoint: 'PATCH /projects/:project', request: project('PATCH', '', { callback_url: 'https://shop.example/callbacks' }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [200, 404, 404], platform: [403, 403, 403] } },
  { endpoint: 'PUT /projects/:project/limits', request: project('PUT', '/limits', { limits: [] }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /projects/:project/rotate-secret', request: project('POST', '/rotate-secret', { revoke_old: false }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [200, 404, 404], platform: [403, 403, 403] } },
  { endpoint: 'GET /team', request: plain('GET', '/api/dashboard/team'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'POST /team/invitations', request: (_t, n) => ({ method: 'POST', path: '/api/dashboard/team/invitations', body: { email: `invitee-${n}@example.com`, role: 'viewer', projects: [P.in] } }),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 403 } },
  // Each member keeps their own scope, so later rows still see the same three targets.
  { endpoint: 'PUT /team/:member', request: (t) => ({ ...member('PUT')(t), body: { role: 'viewer', projects: [t === 'out' ? P.out : P.in] } }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /team/:member/disable', request: member('POST', '/disable'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /team/:member/enable', request: member('POST', '/enable'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /team/:member/reset-totp', request: member('POST', '/reset-totp'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'GET /journal', request: plain('GET', '/api/dashboard/journal'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'GET /journal/verify', request: plain('GET', '/api/dashboard/journal/verify'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'GET /journal/export.csv', request: plain('GET', '/api/dashboard/journal/export.csv'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'GET /home?project=', request: (t) => ({ method: 'GET', path: `/api/dashboard/home?from=2026-03-01&to=2026-03-31&tz=Europe/Berlin&project=${P[t!]}` }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [403, 403, 403], platform: [200, 200, 200] } },
  { endpoint: 'GET /reports', request: plain('GET', '/api/dashboard/reports'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 403, platform: 200 } },
  { endpoint: 'POST /reports (project)', request: (t) => ({ method: 'POST', path: '/api/dashboard/reports', body: { report: 'operations', format: 'csv', from: '2026-03-01', to: '2026-03-31', tz: 'Europe/Berlin', mode: 'test', project: P[t!] } }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [403, 403, 403], platform: [200, 200, 200] } },
  // Someone else's report (or none): not even confirmed to exist; developers are refused first.
  { endpoint: 'GET /reports/:report/file', request: plain('GET', '/api/dashboard/reports/999999/file'),
    expect: { owner: 404, admin: 404, admin_all: 404, manager: 404, viewer: 404, developer: 403, platform: 404 } },
  { endpoint: 'GET /me', request: plain('GET', '/api/dashboard/me'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'GET /me/sessions', request: plain('GET', '/api/dashboard/me/sessions'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'PUT /me/language', request: plain('PUT', '/api/dashboard/me/language', { language: 'ru' }),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'POST /me/totp', request: plain('POST', '/api/dashboard/me/totp'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  // Last: it ends each actor's session.
  { endpoint: 'POST /auth/sign-out', request: plain('POST', '/api/dashboard/auth/sign-out'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
]

describe.each(testDatabases())('dashboard role × endpoint access ($name)', (db) => {
  let t: DashboardTestApp
  const agents = {} as Record<Actor, Agent>
  let n = 0

  beforeAll(async () => {
    t = await dashboardApp(await db.open())
    const a = await t.org('Alpha Shops')
    const b = await t.org('Beta Foods')
    await t.project(P.in, a)
    await t.project(P.out, a)
    await t.project(P.other, b)
    const scoped = [P.in]
    const users = {
      owner: await t.user('owner@alpha.example', 'owner', a),
      admin: await t.user('admin@alpha.example', 'admin', a, scoped),
      admin_all: await t.user('admin-all@alpha.example', 'admin', a),
      manager: await t.user('manager@alpha.example', 'manager', a, scoped),
      viewer: await t.user('viewer@alpha.example', 'viewer', a, scoped),
      developer: await t.user('developer@alpha.example', 'developer', a, scoped),
      platform: await t.user('ops@epay.example', 'platform', null),
    }
    for (const actor of ACTORS) agents[actor] = await t.signedIn(users[actor])
    members = {
      in: (await t.user('member-in@alpha.example', 'viewer', a, [P.in])).id,
      out: (await t.user('member-out@alpha.example', 'viewer', a, [P.out])).id,
      other: (await t.user('member@beta.example', 'viewer', b)).id,
    }
  })
  afterAll(() => t.sql.close())

  it.each(ROWS.map((row) => [row.endpoint, row] as const))('%s answers each role as SPEC §14 says', async (_name, row) => {
    const actual = {} as Expect
    for (const actor of ACTORS) {
      const perTarget = Array.isArray(row.expect[actor])
      const statuses: number[] = []
      for (const target of perTarget ? (['in', 'out', 'other'] as const) : [undefined]) {
        const { method, path, body } = row.request(target, ++n)
        const res = await t.call(agents[actor], method, path, body)
        statuses.push(res.status)
      }
      actual[actor] = perTarget ? (statuses as [number, number, number]) : statuses[0]!
    }
    expect(actual).toEqual(row.expect)
  })
})
