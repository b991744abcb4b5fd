import { afterAll, describe, expect, it } from 'vitest'
import { openPostgresSchema } from '../fixtures/databases.ts'
import { sign } from '../../server/signature/signature.ts'
import { cli, eventually, freePort, serverEnv, startServer, type ServerProcess } from './harness.ts'
import { startMerchantSite } from './merchant-site.ts'
import { dataDir } from './data-dir.ts'

const SECRET = 'crash-test-secret'
const PROJECT = 7001

// Storage each run uses: PGlite in a temp dir always; PostgreSQL in its own schema when set.
const storages: Array<[string, () => Promise<{ storage: { dataDir: string } | { databaseUrl: string }; cleanup(): Promise<void> }>]> = [
  ['pglite', async () => ({ storage: { dataDir: dataDir('epay-crash-') }, cleanup: async () => undefined })],
]
if (process.env['DATABASE_URL']) {
  storages.push(['postgres', async () => {
    // A schema of its own, reached by the server through search_path in the URL's options.
    const sql = await openPostgresSchema(process.env['DATABASE_URL']!)
    const schema = ((await sql.query<{ s: string }>('SELECT current_schema() AS s'))[0]!).s
    const url = new URL(process.env['DATABASE_URL']!)
    url.searchParams.set('options', `-c search_path=${schema}`)
    return { storage: { databaseUrl: url.toString() }, cleanup: () => sql.close() }
  }])
}

// The PGlite and PostgreSQL campaigns run side by side: separate processes, directories, schemas
// and ports, so neither can see the other, and the suite's time is the longer one's, not the sum.
describe.concurrent.each(storages)('SIGKILL before the callback is delivered (%s)', (_name, prepare) => {
  let server: ServerProcess | undefined
  let cleanup: (() => Promise<void>) | undefined
  afterAll(async () => {
    await server?.stop('SIGKILL')
    await cleanup?.()
  })

  it('delivers the callback after a restart; the payment and its single charge survive', async () => {
    const prepared = await prepare()
    cleanup = prepared.cleanup
    const port = await freePort()
    const env = serverEnv(port, prepared.storage)
    let receiverUp = false
    const merchant = await startMerchantSite({ epayUrl: `http://localhost:${port}`, projectId: PROJECT, secret: SECRET, receiverStatus: () => (receiverUp ? 200 : 503) })
    try {
      cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Crash shop', '--secret-stdin', '--callback-url', `${merchant.origin}/callbacks`, '--origin', merchant.origin, '--test'], SECRET)
      server = await startServer(env)
      const params = { project_id: PROJECT, payment_id: `crash-${Date.now()}`, payment_amount: 500, payment_currency: 'EUR' }
      const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), signature: sign(params, SECRET) })
      const page = await (await fetch(`${server.url}/payment?${query}`)).text()
      const token = (JSON.parse(/id="epay-boot">(.*?)<\/script>/s.exec(page)![1]!) as { token: string }).token
      const paid = await fetch(`${server.url}/api/page/pay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'card', card: { pan: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '321', holder: 'CRASH TEST' } }),
      })
      expect(((await paid.json()) as { status: string }).status).toBe('success')
      // The receiver refused the first delivery, so the event waits in the outbox: kill now.
      await eventually(() => /callback failed/.test(server!.output()) || undefined, 10_000, 'a failed first delivery')
      await server.stop('SIGKILL')
      expect(merchant.callbacks).toHaveLength(0)

      receiverUp = true
      server = await startServer(env)
      const callback = await eventually(() => merchant.callbacks[0], 30_000, 'the callback after restart')
      expect(callback.signatureValid).toBe(true)
      expect(callback.body).toMatchObject({ payment: { id: params.payment_id, status: 'success' }, operation: { status: 'success' } })

      const status = await fetch(`${server.url}/api/page/status`, { headers: { authorization: `Bearer ${token}` } })
      expect(((await status.json()) as { status: string }).status).toBe('success')
      await new Promise((r) => setTimeout(r, 500))
      expect(merchant.callbacks).toHaveLength(1)
      const logs = server.output()
      expect(logs).not.toContain('4242424242424242')
      expect(logs).not.toMatch(/\b321\b/)
    } finally {
      await merchant.close()
    }
  })
})
