import { serve } from '@hono/node-server'
import { composeDeps, openDatabase } from './compose.ts'
import { loadConfig } from './config.ts'
import { createApp } from './http/app.ts'

// Composition root: config → database → deps → app → serve, and the callback dispatcher.
let config: ReturnType<typeof loadConfig>
try {
  config = loadConfig()
} catch (error) {
  // A configuration problem is the operator's to fix: say which key, without a stack trace.
  process.stderr.write(`EPay did not start: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
}
const sql = await openDatabase(config)
const { deps, dispatcher, jobs } = await composeDeps(config, sql)
const app = createApp(deps)
const stopDispatcher = dispatcher.start(config.callbackPollMs)
dispatcher.tick().catch(() => undefined)
const jobTimer = setInterval(() => {
  jobs.tick().catch((error: unknown) => deps.logger.error('background job failed', { error }))
}, 1_000)

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  deps.logger.info('EPay listening', { port: info.port, database: sql.dialect, demo: config.demo })
  process.stdout.write(`EPay is running at ${config.publicUrl}${config.demo ? ` (demo shop: ${config.publicUrl}/)` : ''}\n`)
})

let stopping = false
const shutdown = async () => {
  if (stopping) return
  stopping = true
  server.close()
  clearInterval(jobTimer)
  await stopDispatcher()
  await sql.close()
  process.exit(0)
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
