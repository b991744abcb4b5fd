import { describe, expect, it } from 'vitest'
import { createProjectCache } from '../../../server/storage/project-cache.ts'
import type { ChangeHandlers, Sql } from '../../../server/storage/sql.ts'

/**
 * A database as the cache sees it: a version it can read (or fail to), and the notifications
 * of one schema. Time is moved by hand.
 */
function fakeDatabase() {
  const state = { version: 7, fail: false, checks: 0, time: 0 }
  let handlers: ChangeHandlers | undefined
  const sql = {
    dialect: 'pglite',
    leaseHolder: async () => 1,
    close: async () => undefined,
    transaction: () => Promise.reject(new Error('not used')),
    listen(_channel: string, h: ChangeHandlers) {
      handlers = h
      return () => undefined
    },
    async query<T>(text: string): Promise<T[]> {
      expect(text).toContain('project_change_version')
      state.checks++
      if (state.fail) throw new Error('connection lost')
      return [{ version: String(state.version), schema: 'public' }] as T[]
    },
  } satisfies Sql
  const notify = (project: number | null, schema = 'public') => handlers!.onNotify(JSON.stringify({ schema, project }))
  const gap = () => handlers!.onGap()
  return { sql, state, notify, gap, now: () => state.time }
}

/** A project's stored value and how many times it was read from the database. */
function row(initial: string) {
  const r = { value: initial, loads: 0 }
  return { r, load: async () => (r.loads++, r.value) }
}

/** Lets background checks started by the cache finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('createProjectCache', () => {
  it('reads a project once, then serves it from memory while the version is unchanged', async () => {
    const db = fakeDatabase()
    const cache = createProjectCache(db.sql, { now: db.now })
    const { r, load } = row('secret-1')
    expect(await cache.read(1, 'project', load)).toBe('secret-1')
    db.state.time = 400
    expect(await cache.read(1, 'project', load)).toBe('secret-1')
    expect(r.loads).toBe(1)
    expect(db.state.checks).toBe(1)
  })

  it('drops a project when its change is notified, and only that project', async () => {
    const db = fakeDatabase()
    const cache = createProjectCache(db.sql, { now: db.now })
    const one = row('one-a')
    const two = row('two-a')
    await cache.read(1, 'project', one.load)
    await cache.read(2, 'project', two.load)
    one.r.value = 'one-b'
    db.notify(1)
    expect(await cache.read(1, 'project', one.load)).toBe('one-b')
    expect(await cache.read(2, 'project', two.load)).toBe('two-a')
    expect(two.r.loads).toBe(1)
  })

  it('ignores changes to another schema of the same database, and drops everything for a TRUNCATE', async () => {
    const db = fakeDatabase()
    const cache = createProjectCache(db.sql, { now: db.now })
    const one = row('a')
    await cache.read(1, 'project', one.load)
    one.r.value = 'b'
    db.notify(1, 'test_other')
    expect(await cache.read(1, 'project', one.load)).toBe('a')
    db.notify(null)
    expect(await cache.read(1, 'project', one.load)).toBe('b')
  })

  it('never serves a change whose notification was lost for STALE_BOUND_MS (1 s) or longer', async () => {
    const db = fakeDatabase()
    const cache = createProjectCache(db.sql, { now: db.now })
    const secret = row('old')
    await cache.read(1, 'project', secret.load)
    // Committed with no notification reaching this process: only the version tells.
    secret.r.value = 'new'
    db.state.version++
    db.state.time = 499
    expect(await cache.read(1, 'project', secret.load)).toBe('old')
    // Half the bound: a check starts in the background, and its answer drops the cache.
    db.state.time = 500
    await cache.read(1, 'project', secret.load)
    await settle()
    expect(await cache.read(1, 'project', secret.load)).toBe('new')
  })

  it('checks before serving when the last check is 1 s old, and serves nothing cached if it cannot check', async () => {
    const db = fakeDatabase()
    const cache = createProjectCache(db.sql, { now: db.now })
    const secret = row('old')
    await cache.read(1, 'project', secret.load)
    secret.r.value = 'new'
    db.state.version++
    db.state.time = 1_000
    expect(await cache.read(1, 'project', secret.load)).toBe('new')

    db.state.fail = true
    secret.r.value = 'newer'
    db.state.version++
    db.state.time = 2_000
    expect(await cache.read(1, 'project', secret.load)).toBe('newer')
    // Still unverified: every read goes to the database, and nothing is kept.
    secret.r.value = 'newest'
    db.state.version++
    expect(await cache.read(1, 'project', secret.load)).toBe('newest')
    db.state.fail = false
    db.state.time = 2_100
    expect(await cache.read(1, 'project', secret.load)).toBe('newest')
    expect(await cache.read(1, 'project', secret.load)).toBe('newest')
    expect(secret.r.loads).toBe(5)
  })

  it('does not keep a value loaded across a change: the load may have read the old row', async () => {
    const db = fakeDatabase()
    const cache = createProjectCache(db.sql, { now: db.now })
    await cache.read(9, 'other', async () => 'warm')
    let finish: (value: string) => void = () => undefined
    const slow = cache.read(1, 'project', () => new Promise<string>((resolve) => (finish = resolve)))
    await settle()
    db.notify(1)
    finish('read before the change')
    expect(await slow).toBe('read before the change')
    expect(await cache.read(1, 'project', async () => 'after')).toBe('after')
  })

  it('drops everything when notifications may have been missed (no connection was listening)', async () => {
    const db = fakeDatabase()
    const cache = createProjectCache(db.sql, { now: db.now })
    const one = row('a')
    await cache.read(1, 'project', one.load)
    one.r.value = 'b'
    db.gap()
    expect(await cache.read(1, 'project', one.load)).toBe('b')
  })

  it('keeps kinds of one project apart', async () => {
    const db = fakeDatabase()
    const cache = createProjectCache(db.sql, { now: db.now })
    expect(await cache.read(1, 'project', async () => 'row')).toBe('row')
    expect(await cache.read(1, 'limits', async () => 'limits')).toBe('limits')
    expect(await cache.read(1, 'project', async () => 'reloaded')).toBe('row')
  })
})
