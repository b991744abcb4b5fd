import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { postgresStorage, startReceiver, type CrashStorage } from './crash-driver.ts'
import { cli, eventually, freePort, serverEnv, startServer, type ServerProcess } from './harness.ts'

const SECRET = 'cluster-secret'
const PROJECT = 7301
const url = process.env['DATABASE_URL']

/** The pids of `pid`'s child processes (Linux `pgrep -P`). */
function children(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

// `npm start` on PostgreSQL runs one worker per core (SPEC §13, #15 item 3): the workers share
// the port, each takes payments and delivers callbacks, and SIGTERM stops them all.
describe.skipIf(!url)('worker processes on PostgreSQL', () => {
  let server: ServerProcess | undefined
  let storage: CrashStorage | undefined
  afterAll(async () => {
    await server?.stop('SIGTERM')
    await storage?.cleanup()
  })

  it('serves payments from two workers sharing the port and stops them all on SIGTERM', { timeout: 180_000 }, async () => {
    storage = await postgresStorage(url!)
    const receiver = await startReceiver(SECRET)
    const port = await freePort()
    const env = { ...serverEnv(port, storage.storage), EPAY_WORKERS: '2', EPAY_ACQUIRER_LATENCY_MS: '0' }
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Cluster', '--secret-stdin', '--callback-url', receiver.url, '--test'], SECRET)
    // Three processes start (the primary migrates first): on a shared machine that takes a while.
    server = await startServer(env, { timeoutMs: 90_000 })
    const primary = server.child.pid!
    const workers = await eventually(() => (children(primary).length === 2 ? children(primary) : undefined), 30_000, 'two workers')
    expect(workers).toHaveLength(2)

    const base = `http://127.0.0.1:${port}`
    const ids = Array.from({ length: 12 }, (_, i) => `cluster-${Date.now()}-${i}`)
    await Promise.all(ids.map(async (paymentId) => {
      const params = { project_id: PROJECT, payment_id: paymentId, payment_amount: 1500, payment_currency: 'EUR' }
      const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))
      query.set('signature', sign(params, SECRET))
      const html = await (await fetch(`${base}/payment?${query}`)).text()
      const token = (JSON.parse(/id="epay-boot">(.*?)<\/script>/s.exec(html)![1]!) as { token: string }).token
      const paid = await fetch(`${base}/api/page/pay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'card', card: { pan: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123', holder: 'CLUSTER' } }),
      })
      expect(((await paid.json()) as { status: string }).status).toBe('success')
    }))
    // Exactly one callback event per payment, whichever worker took it.
    await eventually(() => (receiver.events.size >= ids.length ? true : undefined), 30_000, 'callbacks')
    await new Promise((r) => setTimeout(r, 500))
    const paymentIds = [...receiver.events.values()].map((e) => (e.body['payment'] as { id: string }).id).sort()
    expect(paymentIds).toEqual([...ids].sort())
    expect([...receiver.events.values()].every((e) => e.signatureValid)).toBe(true)

    await server.stop('SIGTERM')
    server = undefined
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow()
    await receiver.close()
  })
})
