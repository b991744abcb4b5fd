import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionView } from '../../../protocol/schemas/dashboard/connection.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'

// Issue 14 item 1: a project's upstream connection set in the dashboard's project settings by
// owners and admins, into the same store `project connect` and the live providers use, with the
// secret sealed and never shown, logged or journalled.

const PROJECT = 7401
const SECRET = 'upstream-secret-Zq81-never-shown'
const body = { provider: 'ecommpay-gate', url: 'https://gate.upstream.example/', upstream_project_id: 112, methods: ['card'], secret: SECRET }

describe.each(testDatabases())('dashboard upstream connection ($name)', (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let owner: Agent
  let developer: Agent
  let manager: Agent
  let orgId: string
  const path = `/api/dashboard/projects/${PROJECT}/connection`

  beforeAll(async () => {
    sql = await db.open()
    t = await dashboardApp(sql)
    orgId = await t.org('Connected')
    await t.project(PROJECT, orgId)
    owner = await t.signedIn(await t.user('owner@connected.example', 'owner', orgId))
    developer = await t.signedIn(await t.user('dev@connected.example', 'developer', orgId))
    manager = await t.signedIn(await t.user('manager@connected.example', 'manager', orgId))
  })
  afterAll(() => sql.close())

  it('connects into the store the live providers read, shows everything but the secret, and journals it without the secret', async () => {
    expect(await (await t.call(owner, 'GET', path)).json()).toEqual({ connection: null })
    const res = await t.call(owner, 'PUT', path, body)
    expect(res.status).toBe(200)
    const view = (await res.json()) as ConnectionView
    expect(view).toEqual({ connection: { provider: 'ecommpay-gate', url: 'https://gate.upstream.example', upstream_project_id: 112, methods: ['card'] } })
    // The live providers get the secret opened from the same row; at rest it is sealed.
    expect((await t.deps.upstream!.connections.get(PROJECT))?.secret).toBe(SECRET)
    const stored = JSON.stringify(await sql.query('SELECT * FROM provider_connections WHERE project_id = $1', [PROJECT]))
    expect(stored).not.toContain(SECRET)
    const journal = JSON.stringify(await sql.query("SELECT before, after FROM journal WHERE action = 'project_connected'"))
    expect(journal).toContain('gate.upstream.example')
    expect(journal).not.toContain(SECRET)
    expect(t.logs.join('\n')).not.toContain(SECRET)
    // Whoever sees the project sees where it is connected, never the secret.
    const seen = await (await t.call(developer, 'GET', path)).text()
    expect(seen).toContain('gate.upstream.example')
    expect(seen).not.toContain(SECRET)
  })

  it('refuses what `project connect` refuses, naming the field', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ url: 'http://gate.upstream.example' }, 'url'],
      [{ url: 'https://user:pw@gate.upstream.example' }, 'url'],
      [{ url: 'https://gate.upstream.example/?a=1' }, 'url'],
      [{ url: 'not a url' }, 'url'],
      [{ methods: [] }, 'methods'],
      [{ methods: ['cash'] }, 'methods.0'],
      [{ upstream_project_id: 0 }, 'upstream_project_id'],
      [{ secret: '' }, 'secret'],
      [{ provider: 'stripe' }, 'provider'],
    ]
    for (const [change, param] of cases) {
      const res = await t.call(owner, 'PUT', path, { ...body, ...change })
      const error = ((await res.json()) as { error: { code: string; param?: string } }).error
      expect([JSON.stringify(change), res.status, error.code, error.param]).toEqual([JSON.stringify(change), 400, 'validation_failed', param])
    }
    // Plain http only to this machine's loopback (another EPay beside this one).
    expect((await t.call(owner, 'PUT', path, { ...body, url: 'http://127.0.0.1:9443' })).status).toBe(200)
  })

  it('is for owners and admins only: developers and managers are refused', async () => {
    for (const agent of [developer, manager]) {
      expect((await t.call(agent, 'PUT', path, body)).status).toBe(403)
      expect((await t.call(agent, 'DELETE', path)).status).toBe(403)
    }
  })

  it('disconnects, and says so in the journal', async () => {
    const res = await t.call(owner, 'DELETE', path)
    expect(await res.json()).toEqual({ connection: null })
    expect(await t.deps.upstream!.connections.get(PROJECT)).toBeUndefined()
    expect(await t.journalActions(orgId)).toEqual(expect.arrayContaining(['project_connected', 'project_disconnected']))
  })
})
