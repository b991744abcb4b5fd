import { afterAll, describe, expect, it } from 'vitest'
import { openPostgres } from '../../../server/storage/postgres.ts'
import { createLimitStore } from '../../../server/storage/limits-store.ts'
import { createProjectCache, STALE_BOUND_MS } from '../../../server/storage/project-cache.ts'
import { createProjectStore } from '../../../server/storage/project-store.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { openPostgresSchema, testDatabases } from '../../fixtures/databases.ts'
import { makeTestApp, paymentParams, signedQuery, TEST_PROJECT } from '../../fixtures/test-app.ts'

const clock = { now: () => new Date('2030-01-15T10:00:00Z') }
const none = { minAmount: undefined, maxAmount: undefined, dailyAmount: undefined, dailyCount: undefined }

describe.each(testDatabases())('cached projects on $name', (db) => {
  const opened: Sql[] = []
  afterAll(async () => {
    for (const sql of opened) await sql.close()
  })

  it('sees a change this process made, by any writer, on the very next read', async () => {
    const sql = await db.open()
    opened.push(sql)
    const cache = createProjectCache(sql)
    const projects = createProjectStore(sql, clock, cache)
    const limits = createLimitStore(sql, cache)
    await createProjectStore(sql, clock).add({ id: 61, name: 'Cached', secret: 'first-secret', allowedOrigins: ['https://a.example'] })
    expect((await projects.get(61))?.secrets).toEqual(['first-secret'])
    expect(await limits.get(61, 'sale', 'EUR')).toBeUndefined()

    // Raw SQL, not through the store: the triggers tell the cache, not the code that wrote.
    await sql.query(`UPDATE projects SET secret = 'second-secret', allowed_origins = '["https://b.example"]' WHERE id = 61`)
    expect(await projects.get(61)).toMatchObject({ secrets: ['second-secret'], allowedOrigins: ['https://b.example'] })
    await createLimitStore(sql).set(61, 'sale', 'EUR', { ...none, maxAmount: 500 })
    expect((await limits.get(61, 'sale', 'EUR'))?.maxAmount).toBe(500)
    await sql.query('DELETE FROM project_limits WHERE project_id = 61')
    expect(await limits.get(61, 'sale', 'EUR')).toBeUndefined()
  })

  it('reads a project once while nothing changes', async () => {
    const sql = await db.open()
    opened.push(sql)
    let reads = 0
    const counting: Sql = {
      ...sql,
      query: (text, params) => {
        if (text.includes('FROM projects')) reads++
        return sql.query(text, params)
      },
    }
    const projects = createProjectStore(counting, clock, createProjectCache(counting))
    await createProjectStore(sql, clock).add({ id: 62, name: 'Read once', secret: 's' })
    for (let i = 0; i < 5; i++) expect((await projects.get(62))?.name).toBe('Read once')
    expect(reads).toBe(1)
    // Frozen: a request that changed the shared copy would change it for every other request.
    await expect((async () => (await projects.get(62))!.allowedOrigins.push('https://evil.example'))()).rejects.toThrow()
  })
})

const url = process.env['DATABASE_URL']

describe.skipIf(!url)('two app instances on one PostgreSQL (two processes)', () => {
  const opened: Sql[] = []
  afterAll(async () => {
    for (const sql of opened.reverse()) await sql.close()
  })

  async function twoApps() {
    const first = await openPostgresSchema(url!)
    const schema = String((await first.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s)
    const second = await openPostgres(url!, { schema })
    opened.push(first, second)
    const a = await makeTestApp(first)
    const b = await makeTestApp(second, { addProject: false })
    return { a, b, first }
  }
  const open = (app: Awaited<ReturnType<typeof makeTestApp>>['app'], secret: string, overrides: Record<string, string | number> = {}) =>
    app.request(`/payment?${signedQuery(paymentParams(overrides), secret)}`)

  it('drops the other process\'s cached project when the notification arrives, with no version check', async () => {
    const { a, first } = await twoApps()
    const schema = String((await first.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s)
    const second = await openPostgres(url!, { schema })
    opened.push(second)
    let versionChecks = 0
    const counting: Sql = {
      ...second,
      query: (text, params) => {
        if (text.includes('project_change_version')) versionChecks++
        return second.query(text, params)
      },
    }
    // A clock that never moves: the cache never ages, so no version check can run after the
    // first and only the notification can tell it of the change. No timing in the assertion.
    const projects = createProjectStore(counting, clock, createProjectCache(counting, { now: () => 0 }))
    expect((await projects.get(TEST_PROJECT.id))?.secrets).toEqual([TEST_PROJECT.secret])
    const rotated = await a.deps.projects.rotateSecret(TEST_PROJECT.id, a.deps.clock.now(), { revokeOld: true })
    const deadline = performance.now() + 10_000
    let seen = (await projects.get(TEST_PROJECT.id))?.secrets
    while (seen?.[0] !== rotated.secrets[0] && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5))
      seen = (await projects.get(TEST_PROJECT.id))?.secrets
    }
    expect(seen).toEqual(rotated.secrets)
    expect(versionChecks).toBe(1)
  })

  it('refuses the old signature within STALE_BOUND_MS even when no notification arrives', async () => {
    const { a, b, first } = await twoApps()
    // The change still bumps the version; only its announcement is lost.
    await first.query('ALTER TABLE projects DISABLE TRIGGER projects_changed')
    expect((await open(b.app, TEST_PROJECT.secret)).status).toBe(200)
    const rotated = await a.deps.projects.rotateSecret(TEST_PROJECT.id, a.deps.clock.now(), { revokeOld: true })
    await new Promise((resolve) => setTimeout(resolve, STALE_BOUND_MS))
    const answer = await open(b.app, TEST_PROJECT.secret)
    expect(answer.status).toBe(403)
    expect(await answer.text()).toContain('data-error-code="invalid_signature"')
    expect((await open(b.app, rotated.secrets[0]!)).status).toBe(200)
  })

  it('bumps the version of the schema the tables are in, whatever the writer\'s search path', async () => {
    const { first } = await twoApps()
    const schema = String((await first.query<{ s: string }>('SELECT current_schema() AS s'))[0]!.s)
    const version = async () => Number((await first.query<{ version: unknown }>('SELECT version FROM project_change_version'))[0]!.version)
    const outsider = await openPostgres(url!, { max: 1 })
    opened.push(outsider)
    const before = await version()
    await outsider.query(`UPDATE ${schema}.projects SET name = 'Renamed' WHERE id = $1`, [TEST_PROJECT.id])
    expect(await version()).toBe(before + 1)
  })

  it('applies a limit set in the other process', async () => {
    const { a, b } = await twoApps()
    expect((await open(b.app, TEST_PROJECT.secret, { payment_amount: 900 })).status).toBe(200)
    await a.deps.gate.limits.set(TEST_PROJECT.id, 'sale', 'EUR', { ...none, maxAmount: 500 })
    await new Promise((resolve) => setTimeout(resolve, STALE_BOUND_MS))
    const answer = await open(b.app, TEST_PROJECT.secret, { payment_amount: 900 })
    expect(await answer.text()).toContain('data-error-code="limit_exceeded"')
  })
})
