import cluster from 'node:cluster'
import { availableParallelism } from 'node:os'
import { serve } from '@hono/node-server'
import { composeDeps, openServerDatabase } from './compose.ts'
import { loadConfig, type Config } from './config.ts'
import { createApp } from './http/app.ts'

// Composition root: config → database → deps → app → serve, and the callback dispatcher.
// On PostgreSQL, one worker process per core (SPEC §13): Node runs a request on one thread, and
// at the limit that thread is the bottleneck, not the database.
let config: Config
try {
  config = loadConfig()
} catch (error) {
  // A configuration problem is the operator's to fix: say which key, without a stack trace.
  process.stderr.write(`EPay did not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
const workers = config.workers > 0 ? config.workers : config.databaseUrl ? availableParallelism() : 1

if (workers > 1 && cluster.isPrimary) await runPrimary(config, workers)
else await runServer(config, { announce: cluster.isPrimary, jobs: process.env['EPAY_WORKER_SLOT'] === undefined || process.env['EPAY_WORKER_SLOT'] === '0' })

/**
 * The primary migrates and bootstraps once (keys, demo data), so workers start on a ready
 * database, then keeps `count` workers serving the port. A worker that dies is replaced.
 */
async function runPrimary(config: Config, count: number): Promise<void> {
  const sql = await openServerDatabase(config)
  await composeDeps(config, sql)
  await sql.close()
  let stopping = false
  let announced = false
  const start = (slot: number) => {
    const worker = cluster.fork({ EPAY_WORKER_SLOT: String(slot) })
    worker.on('exit', (code, signal) => {
      if (stopping) return
      process.stderr.write(`EPay worker ${slot} exited (${signal ?? code}); starting another\n`)
      setTimeout(() => start(slot), 1_000).unref()
    })
  }
  cluster.on('listening', () => {
    if (announced) return
    announced = true
    process.stdout.write(`EPay is running at ${config.publicUrl} with ${count} workers${config.demo ? ` (demo shop: ${config.publicUrl}/)` : ''}\n`)
  })
  for (let slot = 0; slot < count; slot++) start(slot)
  const shutdown = () => {
    if (stopping) return
    stopping = true
    const alive = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead())
    let left = alive.length
    if (left === 0) process.exit(0)
    for (const worker of alive) {
      worker!.once('exit', () => --left === 0 && process.exit(0))
      worker!.process.kill('SIGTERM')
    }
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}

/**
 * One server process. `jobs`: this process runs the once-a-second jobs (stall resolution,
 * expiry). They are safe in every process at once; one is enough, the others only add load.
 */
async function runServer(config: Config, options: { announce: boolean; jobs: boolean }): Promise<void> {
  const sql = await openServerDatabase(config)
  const { deps, dispatcher, jobs } = await composeDeps(config, sql)
  const app = createApp(deps)
  // Every worker delivers: the events it writes are handed to its own dispatcher at commit, and claims are leased.
  const stopDispatcher = dispatcher.start(config.callbackPollMs)
  dispatcher.tick().catch(() => undefined)
  // Every process takes reports from the database's queue: a claim gives each job to one.
  const reportTimer = setInterval(() => deps.dashboard.runJobs(), 1_000)
  const jobTimer = options.jobs
    ? setInterval(() => {
        jobs.tick().catch((error: unknown) => deps.logger.error('background job failed', { error }))
      }, 1_000)
    : undefined

  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    deps.logger.info('EPay listening', { port: info.port, database: sql.dialect, demo: config.demo, pid: process.pid })
    if (options.announce) process.stdout.write(`EPay is running at ${config.publicUrl}${config.demo ? ` (demo shop: ${config.publicUrl}/)` : ''}\n`)
  })

  let stopping = false
  const shutdown = async () => {
    if (stopping) return
    stopping = true
    server.close()
    clearInterval(jobTimer)
    clearInterval(reportTimer)
    await stopDispatcher()
    await sql.close()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
}
