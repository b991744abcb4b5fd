import { afterAll, describe, expect, it } from 'vitest'
import {
  checkInvariants, createDriver, expectAll, outstanding, pgliteStorage, postgresStorage, seededRandom, sleep, startReceiver,
  type CrashStorage, type FlowResult,
} from './crash-driver.ts'
import { cli, eventually, freePort, launchServer, serverEnv, startServer, type ServerProcess } from './harness.ts'
import { dataDir } from './data-dir.ts'

// SIGKILL campaign against one real server process (issue #6): shoppers pay by card, 3-D Secure
// and the Jeton wallet while the server is killed at seeded random moments — mid-request,
// mid-authorisation, mid-delivery, and sometimes while it starts — then every promise is checked
// on the database. Refunds are not driven yet: the Gate API that makes them is being built.
// Replay a run with CRASH_SEED=<seed printed in the output>.

const SECRET = 'crash-harness-secret'
const PROJECT = 7101
// Five kills per database keep `npm test` within its time on 2 cores; CRASH_KILLS=25 runs a long campaign.
const KILLS = Number(process.env['CRASH_KILLS'] ?? 5)
/** Fewer acknowledged payments than this and the campaign has not tested enough to say anything. */
const ENOUGH_PAYMENTS = 20
const PAN_SEARCH = ['4242424242424242', '4000000000000002', '4000000000003220']

const storages: Array<[string, () => Promise<CrashStorage>]> = [['pglite', async () => pgliteStorage(dataDir('epay-crash-harness-'))]]
if (process.env['DATABASE_URL']) storages.push(['postgres', () => postgresStorage(process.env['DATABASE_URL']!)])

// The PGlite and PostgreSQL campaigns run side by side: separate processes, directories, schemas
// and ports, so neither can see the other, and the suite's time is the longer one's, not the sum.
describe.concurrent.each(storages)('crash harness on %s', (name, prepare) => {
  let server: ServerProcess | undefined
  let storage: CrashStorage | undefined
  afterAll(async () => {
    await server?.stop('SIGKILL')
    await storage?.cleanup()
  })

  it(`keeps every acknowledged payment, charges once, calls back once per result and balances the ledger across ${KILLS} SIGKILLs`, { timeout: 200_000 }, async () => {
    const seed = Number(process.env['CRASH_SEED'] ?? (name === 'pglite' ? 61_001 : 61_002))
    const random = seededRandom(seed)
    storage = await prepare()
    const receiver = await startReceiver(SECRET)
    const port = await freePort()
    // Shoppers get their own addresses through X-Forwarded-For; a slower acquirer widens the
    // window between claiming an attempt and recording its result, where a kill hurts most.
    const env = { ...serverEnv(port, storage.storage), EPAY_TRUST_PROXY: '1', EPAY_ACQUIRER_LATENCY_MS: '120', LOG_LEVEL: 'warn' }
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Crash harness', '--secret-stdin', '--callback-url', receiver.url, '--test'], SECRET)
    const outputs: string[] = []
    server = await startServer(env)
    // A shopper's flow waits out a restart as long as startServer allows one (90 s) plus a kill
    // during start-up: shorter, a slow PGlite start on a busy machine ends flows as "fetch failed"
    // errors though nothing was lost.
    const driver = createDriver({ target: () => `http://127.0.0.1:${port}`, projectId: PROJECT, secret: SECRET, random, prefix: `crash-${name}-${seed}`, lanes: 4, flowDeadlineMs: 150_000 })
    const started = Date.now()
    let kills = 0
    let startupKills = 0
    try {
      while (kills < KILLS) {
        await sleep(random.int(500, 2000))
        await server.stop('SIGKILL')
        outputs.push(server.output())
        kills++
        if (startupKills < 1 && random.next() < 0.3) {
          // Killed again while it opens the database and migrates: recovery must survive a crash too.
          const launch = launchServer(env)
          await Promise.race([sleep(random.int(300, 2000)), launch.exited])
          launch.child.kill('SIGKILL')
          await launch.exited
          outputs.push(launch.output())
          startupKills++
        }
        server = await startServer(env)
      }
      // On a slow machine PGlite's restarts can take most of the kill phase: the traffic runs on,
      // with no more kills, until the campaign has enough payments (at most 60 s; short of it, the
      // expectation below fails with the count).
      const acknowledged = () => driver.results.filter((r) => r.acknowledged).length
      await eventually(() => acknowledged() >= ENOUGH_PAYMENTS || undefined, 60_000, 'enough acknowledged payments').catch(() => undefined)
      await sleep(1000)
    } finally {
      await driver.stop()
    }
    const killPhaseMs = Date.now() - started
    const settleStarted = Date.now()
    let rounds = 0

    // Let the servers finish what they owe (callbacks, stalled attempts), then stop and look.
    await eventually(() => receiver.quietFor() > 1500 || undefined, 30_000, 'the callbacks to settle')
    let report: Awaited<ReturnType<typeof checkInvariants>> | undefined
    for (let round = 0; !report; round++) {
      await server.stop('SIGTERM')
      outputs.push(server.output())
      const db = await storage.open()
      let left: Awaited<ReturnType<typeof outstanding>>
      try {
        left = await outstanding(db.sql, PROJECT)
        if ((left.callbacks === 0 && left.processing === 0) || round === 3) {
          report = await checkInvariants(db.sql, { projectId: PROJECT, results: driver.results, receiver })
        }
      } finally {
        // Closed before the server restarts: PGlite admits one process per data directory, and
        // this test process holding it would stop the server at start-up.
        await db.close()
      }
      if (report) break
      rounds++
      server = await startServer(env)
      // A callback claimed by a killed process waits out its 30 s lease before another claims it.
      await sleep(Math.min(45_000, Math.max(1_000, left.dueAt - Date.now() + 2_000)))
      await eventually(() => receiver.quietFor() > 1000 || undefined, 15_000, 'the callbacks to settle')
    }
    await receiver.close()

    const byKind = countBy(driver.results, (r) => r.kind)
    console.log(`[crash harness ${name}] seed=${seed} kills=${kills} (+${startupKills} during start-up) kill phase=${(killPhaseMs / 1000).toFixed(1)}s settle=${((Date.now() - settleStarted) / 1000).toFixed(1)}s (${rounds} restarts)`,
      `payments=${report.counts.payments} successes=${report.counts.successes} declines=${report.counts.declines}`,
      `not final=${report.counts.unresolved} operations=${report.counts.operations} resolved-by-status-query=${report.counts.stalledResolved}`,
      `callbacks=${report.counts.callbacks} deliveries=${report.counts.deliveries} duplicates=${report.counts.duplicates}`,
      `flows=${JSON.stringify(byKind)} acknowledged=${driver.results.filter((r) => r.acknowledged).length}`,
      `pay calls=${sum(driver.results, (r) => r.payCalls)} retried requests=${sum(driver.results, (r) => r.networkRetries)}`)

    expectAll(`crash harness ${name}`, () => {
      expect(driver.errors).toEqual([])
      expect(report.violations).toEqual([])
      expect(kills).toBeGreaterThanOrEqual(Math.min(KILLS, 10))
      expect(driver.results.filter((r) => r.acknowledged).length).toBeGreaterThanOrEqual(ENOUGH_PAYMENTS)
      expect(report.counts.successes).toBeGreaterThan(0)
      expect(report.counts.declines).toBeGreaterThan(0)
      // A wallet payment can stay open only if both the shopper's answer from the wallet and the
      // wallet's notification died with a server: the resolver asks the wallet after 5 minutes.
      expect(unacknowledged(driver.results).filter((r) => !r.includes('wallet answer lost'))).toEqual([])
      const logs = outputs.join('\n')
      for (const pan of PAN_SEARCH) expect(logs).not.toContain(pan)
    })
  })
})

function unacknowledged(results: FlowResult[]): string[] {
  return results.filter((r) => !r.acknowledged).map((r) => `${r.paymentId} (${r.kind}): ${r.status}`)
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1
  return out
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((s, item) => s + value(item), 0)
}
