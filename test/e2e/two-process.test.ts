import { randomBytes } from 'node:crypto'
import { afterAll, describe, expect, it } from 'vitest'
import { migrate } from '../../server/storage/migrate.ts'
import { openPostgres } from '../../server/storage/postgres.ts'
import {
  checkInvariants, createDriver, expectAll, describeOutstanding, outstanding, postgresStorage, seededRandom, sleep, startBalancer, startReceiver,
  type CrashStorage,
} from './crash-driver.ts'
import { cli, eventually, freePort, serverEnv, startServer, type ServerProcess } from './harness.ts'

// Two server processes on one PostgreSQL behind one load balancer (SPEC §2: nothing may assume a
// single process). Requests alternate between them; one of them is SIGKILLed at seeded random
// moments and restarted while the other keeps serving, so claims, leases, the resolver and the
// outbox race across processes. Same checks as the crash harness. Refunds are not driven yet.

const SECRET = 'two-process-secret'
const PROJECT = 7201
// Five kills per database keep `npm test` within its time on 2 cores; CRASH_KILLS=25 runs a long campaign.
const KILLS = Number(process.env['CRASH_KILLS'] ?? 5)
const url = process.env['DATABASE_URL']

describe.skipIf(!url)('two server processes on one PostgreSQL', () => {
  const servers: Array<ServerProcess | undefined> = [undefined, undefined]
  let storage: CrashStorage | undefined
  let balancer: Awaited<ReturnType<typeof startBalancer>> | undefined
  afterAll(async () => {
    await Promise.all(servers.map((s) => s?.stop('SIGKILL')))
    await balancer?.close()
    await storage?.cleanup()
  })

  it(`keeps every promise while one of two processes is killed ${KILLS} times`, { timeout: 180_000 }, async () => {
    const seed = Number(process.env['CRASH_SEED'] ?? 62_001)
    const random = seededRandom(seed)
    storage = await postgresStorage(url!)
    const receiver = await startReceiver(SECRET)
    const ports = [await freePort(), await freePort()] as const
    balancer = await startBalancer(ports)
    // One public URL for both, as behind a real balancer: ACS return URLs, wallet returns and the
    // wallet's notification reach whichever process is up.
    const envs = ports.map((port) => ({
      ...serverEnv(port, storage!.storage), PUBLIC_URL: `http://localhost:${balancer!.port}`,
      EPAY_TRUST_PROXY: '1', EPAY_ACQUIRER_LATENCY_MS: '120', LOG_LEVEL: 'warn',
    }))
    cli(envs[0]!, ['project', 'add', '--id', String(PROJECT), '--name', 'Two processes', '--secret-stdin', '--callback-url', receiver.url, '--test'], SECRET)
    ;[servers[0], servers[1]] = await Promise.all(envs.map((env) => startServer(env)))
    const driver = createDriver({ target: () => `http://127.0.0.1:${balancer!.port}`, projectId: PROJECT, secret: SECRET, random, prefix: `two-${seed}`, lanes: 4 })
    const outputs: string[] = []
    const killsPer = [0, 0]
    const started = Date.now()
    try {
      for (let kills = 0; kills < KILLS; kills++) {
        await sleep(random.int(500, 2000))
        const victim = random.int(0, 1)
        await servers[victim]!.stop('SIGKILL')
        outputs.push(servers[victim]!.output())
        killsPer[victim]!++
        servers[victim] = await startServer(envs[victim]!)
      }
      await sleep(1000)
    } finally {
      await driver.stop()
    }
    const killPhaseMs = Date.now() - started

    await eventually(() => receiver.quietFor() > 1500 || undefined, 30_000, 'the callbacks to settle')
    const db = await storage.open()
    // Both processes keep running: wait on the database until they have delivered everything and
    // resolved every stalled card attempt (a lease of a killed process ends after 30 s).
    await eventually(async () => {
      const left = await outstanding(db.sql, PROJECT)
      return left.callbacks + left.processing - left.atWallet === 0 || undefined
    }, 75_000, 'the outbox to drain').catch(async (error: Error) => {
      throw new Error(`${error.message}; ${await describeOutstanding(db.sql, PROJECT)}`)
    })
    await Promise.all(servers.map((s) => s!.stop('SIGTERM')))
    outputs.push(...servers.map((s) => s!.output()))
    await receiver.close()
    const report = await checkInvariants(db.sql, { projectId: PROJECT, results: driver.results, receiver })

    console.log(`[two processes postgres] seed=${seed} kills=${KILLS} (A ${killsPer[0]}, B ${killsPer[1]}) kill phase=${(killPhaseMs / 1000).toFixed(1)}s`,
      `payments=${report.counts.payments} successes=${report.counts.successes} declines=${report.counts.declines}`,
      `not final=${report.counts.unresolved} operations=${report.counts.operations} resolved-by-status-query=${report.counts.stalledResolved}`,
      `callbacks=${report.counts.callbacks} deliveries=${report.counts.deliveries} duplicates=${report.counts.duplicates}`,
      `acknowledged=${driver.results.filter((r) => r.acknowledged).length} retried requests=${driver.results.reduce((s, r) => s + r.networkRetries, 0)}`)

    expectAll('two processes postgres', () => {
      expect(driver.errors).toEqual([])
      expect(report.violations).toEqual([])
      expect(driver.results.filter((r) => r.acknowledged).length).toBeGreaterThanOrEqual(20)
      expect(report.counts.successes).toBeGreaterThan(0)
      expect(report.counts.declines).toBeGreaterThan(0)
      // A wallet payment can stay open only if both the way back from the wallet and the wallet's
      // notification died with a server: the resolver asks the wallet after 5 minutes.
      expect(driver.results.filter((r) => !r.acknowledged && !r.status.includes('wallet answer lost'))).toEqual([])
      expect(outputs.join('\n')).not.toContain('4242424242424242')
    })
  })

  // migrate() takes its advisory lock before creating schema_migrations: concurrent
  // CREATE … IF NOT EXISTS alone collides on PostgreSQL's catalog index.
  it('starts two processes at once on a fresh database (both migrate it)', async () => {
    const admin = await openPostgres(url!, { max: 1 })
    try {
      for (let round = 0; round < 5; round++) {
        const schema = `test_${randomBytes(6).toString('hex')}`
        await admin.query(`CREATE SCHEMA ${schema}`)
        const processes = [await openPostgres(url!, { schema }), await openPostgres(url!, { schema })]
        try {
          await Promise.all(processes.map((sql) => migrate(sql)))
        } finally {
          await Promise.all(processes.map((sql) => sql.close()))
          await admin.query(`DROP SCHEMA ${schema} CASCADE`)
        }
      }
    } finally {
      await admin.close()
    }
  })
})
