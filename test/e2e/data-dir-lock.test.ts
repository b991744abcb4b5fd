import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DataDirError, LOCK_FILE, openPglite } from '../../server/storage/pglite.ts'
import { freePort, launchServer, serverEnv, startServer, type ServerProcess } from './harness.ts'
import { dataDir } from './data-dir.ts'

// Issue 9: a PGlite data directory belongs to one process. The exclusion is an operating-system
// lock, so deleting epay.lock by hand lets no second server in, and a stale epay.lock whose pid
// now belongs to some other live process blocks nothing.

describe('PGlite data directory lock', () => {
  const dirs: string[] = []
  const children: ChildProcess[] = []
  let server: ServerProcess | undefined
  afterAll(async () => {
    await server?.stop('SIGKILL')
    for (const child of children) child.kill('SIGKILL')
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  // A copy of the run's migrated template: initdb is slow on a busy machine.
  async function clusterDir(): Promise<string> {
    const dir = dataDir('epay-lock-')
    dirs.push(dir)
    return dir
  }

  it('opens a directory whose stale epay.lock names another live process (not an EPay server on it)', { timeout: 300_000 }, async () => {
    const dir = await clusterDir()
    const unrelated = spawn('sleep', ['600'], { stdio: 'ignore' })
    children.push(unrelated)
    // As after a crash and a reboot: the file is left, and its pid was reused by an unrelated process.
    writeFileSync(join(dir, LOCK_FILE), `${unrelated.pid}\n`)
    const sql = await openPglite(dir)
    try {
      expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`)
      expect((await sql.query('SELECT count(*)::int AS n FROM schema_migrations'))[0]).toMatchObject({ n: expect.any(Number) })
    } finally {
      await sql.close()
    }
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false)
    expect(unrelated.exitCode).toBeNull()
  })

  it('refuses a second server on a directory in use even after epay.lock was deleted by hand', { timeout: 300_000 }, async () => {
    const dir = await clusterDir()
    const env = serverEnv(await freePort(), { dataDir: dir })
    // Start-up compiles PGlite's WebAssembly; on a busy shared CI machine that alone can pass 30 s.
    server = await startServer(env, { timeoutMs: 120_000 })
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${server.child.pid}\n`)
    unlinkSync(join(dir, LOCK_FILE))

    await expect(openPglite(dir)).rejects.toThrow(DataDirError)
    await expect(openPglite(dir)).rejects.toThrow(`${dir} is in use by another process`)
    const second = launchServer(serverEnv(await freePort(), { dataDir: dir }))
    await second.exited
    expect(second.child.exitCode).not.toBe(0)
    expect(second.output()).toContain(`${dir} is in use by`)
    expect((await fetch(`${server.url}/healthz`)).ok).toBe(true)

    // The holder is killed: the kernel drops its lock, and the directory opens with its data.
    await server.stop('SIGKILL')
    server = undefined
    const sql = await openPglite(dir)
    try {
      expect((await sql.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations'))[0]!.n).toBeGreaterThan(0)
    } finally {
      await sql.close()
    }
  })
})
