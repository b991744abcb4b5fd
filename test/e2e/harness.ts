import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FrameLocator, Page } from 'playwright-core'
import { TEST_KEYS } from '../fixtures/keys.ts'

export const ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const CHROMIUM = '/usr/bin/chromium'

/**
 * Whether browser tests can run. With `E2E=required` (CI) a missing Chromium is an error,
 * never a skip, so a green run always means the browser suites ran.
 */
export function browserAvailable(): boolean {
  const present = existsSync(CHROMIUM)
  if (!present && process.env['E2E'] === 'required') {
    throw new Error(`E2E=required but ${CHROMIUM} is missing (apt-get install -y chromium)`)
  }
  return present
}

/** Launch options for Debian's Chromium under playwright-core (no browser download). */
export const CHROMIUM_LAUNCH = {
  executablePath: CHROMIUM,
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** A fresh temporary directory. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix))
}

/** Environment for a real EPay server process on `port`, on PGlite in `dataDir` or on `databaseUrl`. */
export function serverEnv(port: number, storage: { dataDir: string } | { databaseUrl: string }): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '/tmp',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: `http://localhost:${port}`,
    EPAY_DEMO: '0',
    ...TEST_KEYS,
    EPAY_ALLOW_LOCAL_CALLBACKS: '1',
    EPAY_ACQUIRER_LATENCY_MS: '50',
    EPAY_CALLBACK_POLL_MS: '100',
    LOG_LEVEL: 'info',
    // Suites drive many payments from loopback; the per-session limit still applies.
    EPAY_PAY_LIMIT_IP: '100000',
    EPAY_PAY_LIMIT_PROJECT: '100000',
    // One process, so a test that kills "the server" kills all of it; cluster.test.ts runs workers.
    EPAY_WORKERS: '1',
  }
  if ('dataDir' in storage) env['DATA_DIR'] = storage.dataDir
  else env['DATABASE_URL'] = storage.databaseUrl
  return env
}

/** Runs the project CLI (`npm run cli -- …`) synchronously against `env`'s database; `input` is its stdin. */
export function cli(env: Record<string, string>, args: string[], input?: string): string {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', ...args], { cwd: ROOT, env, encoding: 'utf8', ...(input === undefined ? {} : { input }) })
  if (result.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${result.stderr}`)
  return result.stdout
}

/** A running server process and everything it wrote, for the PAN/CVC searches. */
export type ServerProcess = { child: ChildProcess; url: string; output: () => string; stop(signal?: NodeJS.Signals): Promise<void> }

/**
 * Starts the real server (`server/main.ts`) as a child process and waits until it answers.
 * Node runs it directly (not through npx) so a SIGKILL reaches the server itself.
 */
export async function startServer(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')))
  const url = `http://localhost:${env['PORT']}`
  // A hang guard, not a speed check: a start takes about 9 s alone on 2 cores (PGlite's initdb
  // on a new directory) and several times that while the whole suite runs beside it.
  const deadline = Date.now() + (options.timeoutMs ?? 90_000)
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited ${child.exitCode}:\n${output}`)
    try {
      if ((await fetch(`http://127.0.0.1:${env['PORT']}/healthz`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`server did not start:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    child,
    url,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill(signal)
      }),
  }
}

/** Polls `check` until it returns a value or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/**
 * Spawns the real server without waiting for it, so a test can kill it while it starts
 * (opening the database, recovering, migrating); `exited` resolves when the process is gone.
 */
export function launchServer(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout!.on('data', (d: Buffer) => (output += d.toString('utf8')))
  child.stderr!.on('data', (d: Buffer) => (output += d.toString('utf8')))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { child, output: () => output, exited }
}

/** Types a card into the payment page (the page itself, or the widget's frame) as a shopper does. */
export async function fillCard(target: Page | FrameLocator, card: { pan: string; cvc?: string; holder?: string }): Promise<void> {
  await target.locator('input[autocomplete="cc-number"]').fill(card.pan)
  await target.locator('input[autocomplete="cc-exp"]').fill('12/34')
  await target.locator('input[autocomplete="cc-csc"]').fill(card.cvc ?? '123')
  await target.locator('input[autocomplete="cc-name"]').fill(card.holder ?? 'JANE DOE')
}
