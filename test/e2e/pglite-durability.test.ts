import { spawn } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sign } from '../../server/signature/signature.ts'
import { cli, eventually, freePort, serverEnv, startServer, tempDir, type ServerProcess } from './harness.ts'

// Issue 9 item 10: what PGlite acknowledges survives a power loss. A power loss cannot be made in
// a test, but its precondition can be watched: strace, attached to the real server, records every
// write to the WAL and every sync between reading a payment request and writing its answer. Each
// WAL file written in that window must be fsynced after its last write and before the answer.

const STRACE = '/usr/bin/strace'
const SECRET = 'durability-secret'
const PROJECT = 7301

/** Attaches strace to every thread of `pid`, recording reads, writes and syncs with file names. */
async function attachStrace(pid: number, out: string): Promise<{ stop(): Promise<void> }> {
  const child = spawn(STRACE, [
    '-f', '-yy', '-s', '48', '-e', 'signal=none', '-o', out, '-p', String(pid),
    '-e', 'trace=read,recvfrom,write,writev,pwrite64,pwritev,pwritev2,fsync,fdatasync,sync_file_range,syncfs',
  ], { stdio: ['ignore', 'ignore', 'pipe'] })
  let errors = ''
  child.stderr!.on('data', (d: Buffer) => (errors += d.toString('utf8')))
  await eventually(() => /attached/.test(errors) || (child.exitCode !== null ? Promise.reject(new Error(`strace: ${errors}`)) : undefined), 10_000, 'strace to attach')
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGINT')
      }),
  }
}

/**
 * Checks the window of `lines` from the request whose first line starts with `requestLine` to
 * its answer: returns the WAL files written there, each with whether an fsync of that file
 * followed its last write before the answer.
 */
function walSyncsBeforeAnswer(lines: string[], requestLine: string, walDir: string) {
  const from = lines.findIndex((l) => /^\d+ +(read|recvfrom|<\.\.\. (read|recvfrom) resumed>)/.test(l) && l.includes(`"${requestLine}`))
  expect(from, `the request ${requestLine} in the trace`).toBeGreaterThan(-1)
  const to = lines.findIndex((l, i) => i > from && /^\d+ +(write|writev)\(/.test(l) && l.includes('"HTTP/1.1 '))
  expect(to, `the answer to ${requestLine} in the trace`).toBeGreaterThan(from)
  const window = lines.slice(from, to)
  const lastWrite = new Map<string, number>()
  const synced = new Map<string, number>()
  window.forEach((line, i) => {
    const file = /^\d+ +(\w+)\(\d+<([^>]+)>/.exec(line)
    if (!file || !file[2]!.startsWith(walDir)) return
    if (file[1]!.startsWith('pwrite') || file[1] === 'write' || file[1] === 'writev') lastWrite.set(file[2]!, i)
    if (file[1] === 'fsync' || file[1] === 'fdatasync') synced.set(file[2]!, i)
  })
  return [...lastWrite].map(([file, at]) => ({ file, syncedAfterLastWrite: (synced.get(file) ?? -1) > at }))
}

describe('PGlite on disk: a commit is on stable storage before EPay answers', () => {
  let server: ServerProcess | undefined
  let dir = ''
  let env: Record<string, string> = {}
  beforeAll(async () => {
    // The check needs strace (Debian package `strace`, installed by .ci/run); a missing tool fails the suite rather than skipping it.
    if (!existsSync(STRACE)) throw new Error(`${STRACE} is missing: apt-get install -y strace`)
    dir = tempDir('epay-durable-')
    env = serverEnv(await freePort(), { dataDir: dir })
    cli(env, ['project', 'add', '--id', String(PROJECT), '--name', 'Durable shop', '--secret-stdin', '--callback-url', 'http://127.0.0.1:9/callbacks', '--test'], `${SECRET}\n`)
    // Start-up compiles PGlite's WebAssembly; on a busy shared CI machine that alone can pass 30 s.
    server = await startServer(env, { timeoutMs: 120_000 })
  }, 300_000)
  afterAll(async () => {
    await server?.stop('SIGKILL')
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('flushes the WAL a card payment wrote before the page answers it, and before the Gate answers a sale', async () => {
    const walDir = join(realpathSync(dir), 'pg_wal')
    const traceDir = tempDir('epay-strace-')
    const traceFile = join(traceDir, 'server.strace')
    const trace = await attachStrace(server!.child.pid!, traceFile)
    try {
      const params = { project_id: PROJECT, payment_id: `durable-${Date.now()}`, payment_amount: 700, payment_currency: 'EUR' }
      const query = new URLSearchParams({ ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])), signature: sign(params, SECRET) })
      const page = await (await fetch(`${server!.url}/payment?${query}`)).text()
      const token = (JSON.parse(/id="epay-boot">(.*?)<\/script>/s.exec(page)![1]!) as { token: string }).token
      const paid = await fetch(`${server!.url}/api/page/pay`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ method: 'card', card: { pan: '4242424242424242', exp_month: 12, exp_year: 2035, cvc: '123', holder: 'JANE DOE' } }),
      })
      expect(((await paid.json()) as { status: string }).status).toBe('success')

      const sale = { general: { project_id: PROJECT, payment_id: `durable-sale-${Date.now()}` }, payment: { amount: 1500, currency: 'EUR' }, customer: { id: 'cust-1', ip_address: '203.0.113.7' }, card: { pan: '4242424242424242', year: 2034, month: 12, card_holder: 'JANE DOE', cvv: '123' } }
      const signed = { ...sale, general: { ...sale.general, signature: sign(sale, SECRET) } }
      const gate = await fetch(`${server!.url}/v2/payment/card/sale`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(signed) })
      expect(gate.status).toBe(200)
      await gate.text()
    } finally {
      await trace.stop()
    }
    const lines = readFileSync(traceFile, 'utf8').split('\n')
    rmSync(traceDir, { recursive: true, force: true })
    for (const request of ['POST /api/page/pay ', 'POST /v2/payment/card/sale ']) {
      const files = walSyncsBeforeAnswer(lines, request, walDir)
      expect(files.length, `${request}: the payment wrote WAL before its answer`).toBeGreaterThan(0)
      expect(files, request).toEqual(files.map((f) => ({ file: f.file, syncedAfterLastWrite: true })))
    }
  })
})
