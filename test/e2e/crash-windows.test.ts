import { cpSync, existsSync, readdirSync, rmSync, truncateSync, unlinkSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataDirError, openPglite } from '../../server/storage/pglite.ts'
import type { Sql } from '../../server/storage/sql.ts'
import { memoryDatabase } from '../fixtures/databases.ts'
import { fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../fixtures/test-app.ts'
import { cli, eventually, freePort, launchServer, serverEnv, startServer, tempDir } from './harness.ts'

// What the SIGKILL campaign (crash-harness.test.ts) cannot be left to find by luck: a damaged
// PGlite directory must stop the server rather than start it empty, and the crash windows found
// while building the harness stay closed. None of these time kills against restarts, so they run
// beside the other suites, not in the crash campaigns' group.

const SECRET = 'crash-harness-secret'
const PROJECT = 7101

describe('PGlite on a damaged data directory', () => {
  const scratch: string[] = []
  afterAll(() => {
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true })
  })

  let cleanDirMade: string | undefined
  /** A data directory after a clean run, with a project in it. */
  async function cleanDir(): Promise<string> {
    if (cleanDirMade) return cleanDirMade
    const dir = tempDir('epay-damage-')
    scratch.push(dir)
    const port = await freePort()
    const env = serverEnv(port, { dataDir: dir })
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Damage', '--secret-stdin', '--test'], SECRET)
    cleanDirMade = dir
    return dir
  }

  async function relationFile(dir: string, relation: string): Promise<string> {
    const sql = await openPglite(dir)
    try {
      return join(dir, (await sql.query<{ p: string }>('SELECT pg_relation_filepath($1::regclass) AS p', [relation]))[0]!.p)
    } finally {
      await sql.close()
    }
  }

  const damages: Array<[string, (dir: string, files: Record<string, string>) => void]> = [
    ['PG_VERSION deleted', (dir) => unlinkSync(join(dir, 'PG_VERSION'))],
    ['global/pg_control deleted', (dir) => unlinkSync(join(dir, 'global', 'pg_control'))],
    ['the projects table file deleted', (_dir, files) => unlinkSync(files['projects']!)],
    ['the projects table file truncated to nothing', (_dir, files) => truncateSync(files['projects']!, 0)],
    ['the projects primary key index truncated', (_dir, files) => truncateSync(files['projects_pkey']!, 0)],
    ['everything but a stray file removed', (dir) => {
      for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true })
      cpSync(join(import.meta.dirname, 'harness.ts'), join(dir, 'notes.txt'))
    }],
  ]

  it.each(damages)('refuses to open it (%s) and leaves it as it was, instead of starting empty', async (_what, damage) => {
    const source = await cleanDir()
    const files = { projects: await relationFile(source, 'projects'), projects_pkey: await relationFile(source, 'projects_pkey') }
    const dir = tempDir('epay-damaged-')
    scratch.push(dir)
    cpSync(source, dir, { recursive: true })
    damage(dir, Object.fromEntries(Object.entries(files).map(([k, f]) => [k, join(dir, f.slice(source.length))])))
    const before = readdirSync(dir).sort()

    await expect(openPglite(dir)).rejects.toBeInstanceOf(DataDirError)
    expect(readdirSync(dir).sort()).toEqual(before)
    expect(existsSync(join(dir, 'epay.lock'))).toBe(false)
  })

  it('stops the real server with a message naming the directory, and opens the undamaged copy with its data', async () => {
    const source = await cleanDir()
    const dir = tempDir('epay-damaged-')
    scratch.push(dir)
    cpSync(source, dir, { recursive: true })
    unlinkSync(join(dir, 'PG_VERSION'))
    const launch = launchServer(serverEnv(await freePort(), { dataDir: dir }))
    await launch.exited
    expect(launch.child.exitCode).not.toBe(0)
    expect(launch.output()).toContain(`${dir} is not empty but has no PG_VERSION`)
    expect(existsSync(join(dir, 'PG_VERSION'))).toBe(false)

    const sql = await openPglite(source)
    try {
      expect((await sql.query('SELECT id FROM projects WHERE id = $1', [PROJECT])).length).toBe(1)
    } finally {
      await sql.close()
    }
  })

  it('refuses a second process on a directory in use (two PGlite instances would corrupt it)', async () => {
    const source = await cleanDir()
    const env = serverEnv(await freePort(), { dataDir: source })
    const running = await startServer(env)
    try {
      await expect(openPglite(source)).rejects.toThrow(`is in use by process ${running.child.pid}`)
      expect(() => cli(env, ['project', 'list'])).toThrow(/is in use by process/)
    } finally {
      await running.stop('SIGKILL')
    }
    // Killed, it left its lock behind; the lock names a process that is gone, so it is taken over.
    expect(existsSync(join(source, 'epay.lock'))).toBe(true)
    const sql = await openPglite(source)
    await sql.close()
  })
})

// Crash windows found while building the harness, each now closed. They run in-process on
// in-memory PGlite, with the crash simulated where the harness would need luck to land a SIGKILL.
describe('crash windows the harness invariants would catch', () => {
  const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  const clock = fixedClock()
  beforeEach(async () => {
    sql = await memoryDatabase()
    t = await makeTestApp(sql, { clock })
  })
  afterEach(() => sql.close())

  const open = async (overrides: Record<string, string | number | boolean> = {}) => {
    const params = paymentParams(overrides)
    const response = await t.app.request(`/payment?${signedQuery(params)}`)
    expect(response.status).toBe(200)
    return { token: tokenFrom(await response.text()), paymentId: params.payment_id }
  }
  const pay = async (token: string, body: unknown) => {
    const response = await t.app.request('/api/page/pay', {
      method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })
    return (await response.json()) as { status: string }
  }
  const stored = async (paymentId: string) =>
    (await sql.query<{ status: string }>('SELECT status FROM payments WHERE payment_id = $1', [paymentId]))[0]!.status
  /** Runs the background jobs over a long stretch of time, as a server left running would. */
  const runJobsFor = async (ms: number) => {
    for (let elapsed = 0; elapsed < ms; elapsed += 60_000) {
      clock.advance(60_000)
      await t.jobs.tick()
    }
  }

  it('resolves a wallet attempt whose redirect was never recorded (killed after the wallet registered the payment)', async () => {
    // payWithWallet saves `processing`, the wallet records the payment, then the process dies before
    // `awaiting redirect result` is saved. resolveStalledAttempts asks the wallet, which answers
    // `pending` (the shopper never saw its page), and skips it — on every tick, forever. The shopper
    // cannot retry either: an attempt is "in flight".
    const start = t.deps.simulators.jeton.start
    t.deps.simulators.jeton.start = async (request) => {
      await start(request)
      throw new Error('the process died here')
    }
    const { token, paymentId } = await open({ payment_amount: 1500 })
    expect((await pay(token, { method: 'jeton' })).status).toBe('processing')
    await runJobsFor(24 * 3_600_000)
    expect(await stored(paymentId)).not.toBe('processing')
  })

  it('ends a wallet payment the shopper abandoned on the wallet page', async () => {
    // The card ACS has abandon(); the wallet has nothing: `pending` is skipped forever, best_before
    // does not apply to attempts in flight, and the merchant's payment_id can never be paid.
    const { token, paymentId } = await open({ payment_amount: 1500 })
    expect((await pay(token, { method: 'jeton' })).status).toBe('awaiting redirect result')
    await runJobsFor(24 * 3_600_000)
    expect(await stored(paymentId)).not.toBe('awaiting redirect result')
  })

  it('resolves a crashed card attempt while 50 shoppers sit on the 3-D Secure page', async () => {
    // stalledAttempts() returns the 50 oldest attempts in flight for more than the shortest limit
    // (5 s), waiting challenges included; resolveStalledAttempts then skips those (15 min limit), so
    // 50 open challenges (or abandoned wallet payments, which never end) starve every attempt
    // behind them: a crashed card payment stays `processing`, its callback never sent.
    for (let i = 0; i < 50; i++) {
      if (i % 25 === 0) clock.advance(61_000) // the per-address card limit (tests have no socket address)
      const { token } = await open()
      expect((await pay(token, { method: 'card', card: { ...CARD, pan: '4000000000003220' } })).status).toBe('awaiting 3ds result')
    }
    clock.advance(61_000)
    // The acquirer approves, then its answer is lost (the timeout card): a status query settles it.
    const { token, paymentId } = await open()
    expect((await pay(token, { method: 'card', card: { ...CARD, pan: '4000000000000119' } })).status).toBe('processing')
    clock.advance(10_000)
    await t.jobs.tick()
    expect(await stored(paymentId)).toBe('success')
  })

  it('never records as declined an authorisation the acquirer approved after the stall limit', async () => {
    // Nothing bounds a slow acquirer call, so after 5 s the resolver asks the acquirer to end
    // the attempt (abandon): the acquirer records a decline first, and the late authorise then
    // finds that record instead of approving. EPay and the acquirer always agree, and nothing is
    // charged for a payment EPay reported declined.
    let release = () => undefined as void
    const gate = new Promise<void>((resolve) => (release = resolve))
    const authorise = t.deps.simulators.card.authorise
    t.deps.simulators.card.authorise = async (request) => {
      await gate
      return authorise(request)
    }
    const { token, paymentId } = await open()
    const paying = pay(token, { method: 'card', card: CARD })
    await eventually(async () => (await stored(paymentId)) === 'processing' || undefined, 5_000, 'the claim')
    clock.advance(6_000)
    await t.jobs.tick()
    release()
    await paying
    const recorded = await sql.query<{ result: string }>('SELECT result FROM sim_card_authorisations')
    const kinds = recorded.map((r) => (JSON.parse(r.result) as { kind: string }).kind)
    expect(kinds).toHaveLength(1)
    expect(await stored(paymentId)).toBe(kinds[0] === 'approved' ? 'success' : 'decline')
  })

})
