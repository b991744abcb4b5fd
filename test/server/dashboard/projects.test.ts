import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as v from 'valibot'
import { ErrorEnvelopeSchema } from '../../../protocol/errors.ts'
import { ProjectSecretSchema, ProjectViewSchema } from '../../../protocol/schemas/dashboard/projects.ts'
import { sign } from '../../../server/signature/signature.ts'
import { dashboardApp, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

// The projects screen's calls, and that what they change is what payments then get.
describe('dashboard projects', { timeout: 120_000 }, () => {
  let t: DashboardTestApp
  let owner: Agent
  let created: v.InferOutput<typeof ProjectSecretSchema>

  beforeAll(async () => {
    const sql = await memoryDatabase()
    t = await dashboardApp(sql)
    const org = await t.org('Epsilon Games')
    owner = await t.signedIn(await t.user('owner@epsilon.example', 'owner', org))
    const res = await t.call(owner, 'POST', '/api/dashboard/projects', { name: 'Epsilon store', callback_url: 'https://epsilon.example/cb', allowed_origins: ['https://epsilon.example'], return_hosts: ['epsilon.example'] })
    expect(res.status).toBe(200)
    created = v.parse(ProjectSecretSchema, await res.json())
  }, 300_000)
  afterAll(() => t.sql.close())

  const openPage = (params: Record<string, string | number>) => {
    const all = { project_id: created.project.id, payment_id: `p-${Math.random()}`, payment_amount: 1000, payment_currency: 'EUR', ...params }
    const q = new URLSearchParams(Object.entries(all).map(([k, x]) => [k, String(x)]))
    q.set('signature', sign(all, created.secret))
    return t.app.request(`/payment?${q}`)
  }
  const boot = async (res: Response) => JSON.parse(/id="epay-boot"[^>]*>(.*?)<\/script>/s.exec(await res.text())![1]!) as { session: { methods: string[]; theme?: unknown } }

  it('creates a test project whose secret (shown once) signs payments, and never shows it again', async () => {
    expect(created.project.test_mode).toBe(true)
    expect(created.project.id).toBeGreaterThanOrEqual(100_000)
    expect((await openPage({})).status).toBe(200)
    const again = await (await t.call(owner, 'GET', `/api/dashboard/projects/${created.project.id}`)).text()
    expect(again).not.toContain(created.secret)
  })

  it('validates settings with the schema the CLI store uses, naming the field', async () => {
    const bad = await t.call(owner, 'PATCH', `/api/dashboard/projects/${created.project.id}`, { allowed_origins: ['https://epsilon.example/path'] })
    expect(bad.status).toBe(400)
    expect(v.parse(ErrorEnvelopeSchema, await bad.json()).error.param).toBe('allowed_origins.0')
    await expect(t.deps.projects.add({ id: 555, name: 'CLI', allowedOrigins: ['https://epsilon.example/path'] })).rejects.toThrow(/allowed_origins\.0: must be an origin/)
  })

  it('applies methods and theme to the payment page, and journals before and after', async () => {
    const res = await t.call(owner, 'PATCH', `/api/dashboard/projects/${created.project.id}`, { methods: ['card'], theme: { accent: '#0a7d5a', radius: 12 } })
    expect(v.parse(ProjectViewSchema, await res.json()).methods).toEqual(['card'])
    const session = (await boot(await openPage({}))).session
    expect(session.methods).toEqual(['card'])
    expect(session.theme).toEqual({ accent: '#0a7d5a', radius: 12 })
    const rows = await t.sql.query<{ before: string; after: string }>("SELECT before, after FROM journal WHERE action = 'project_updated' ORDER BY id DESC LIMIT 1")
    expect(JSON.parse(rows[0]!.before)).toEqual({ methods: ['card', 'jeton'], theme: null })
    expect(JSON.parse(rows[0]!.after)).toEqual({ methods: ['card'], theme: { accent: '#0a7d5a', radius: 12 } })
  })

  it('sets daily and monthly limits that payments then meet', async () => {
    const limit = { operation: 'sale', currency: 'EUR', min_amount: 100, max_amount: null, daily_amount: null, daily_count: null, monthly_amount: null, monthly_count: 2 }
    const bad = await t.call(owner, 'PUT', `/api/dashboard/projects/${created.project.id}/limits`, { limits: [{ ...limit, daily_count: 5 }] })
    expect(bad.status).toBe(400)
    const res = await t.call(owner, 'PUT', `/api/dashboard/projects/${created.project.id}/limits`, { limits: [limit] })
    expect(v.parse(ProjectViewSchema, await res.json()).limits).toEqual([limit])
    expect((await openPage({ payment_amount: 50 })).status).toBe(400)
    expect((await openPage({})).status).toBe(200)
    expect((await openPage({})).status).toBe(200)
    const third = await openPage({})
    expect(third.status).toBe(400)
    expect(await third.text()).toContain('limit_exceeded')
  })

  it('rotates the secret with a 24-hour grace, or revokes the old one at once', async () => {
    const old = created.secret
    const rotated = v.parse(ProjectSecretSchema, await (await t.call(owner, 'POST', `/api/dashboard/projects/${created.project.id}/rotate-secret`, { revoke_old: false })).json())
    expect(rotated.project.previous_secret_valid_until).not.toBeNull()
    created = { ...created, secret: old }
    expect((await openPage({ payment_amount: 2000, payment_currency: 'USD' })).status).toBe(200)
    const revoked = v.parse(ProjectSecretSchema, await (await t.call(owner, 'POST', `/api/dashboard/projects/${created.project.id}/rotate-secret`, { revoke_old: true })).json())
    expect(revoked.project.previous_secret_valid_until).toBeNull()
    created = { ...created, secret: rotated.secret }
    expect((await openPage({ payment_amount: 2000, payment_currency: 'USD' })).status).toBe(403)
    created = { ...created, secret: revoked.secret }
    expect((await openPage({ payment_amount: 2000, payment_currency: 'USD' })).status).toBe(200)
  })
})
