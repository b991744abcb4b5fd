import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseConnectOptions } from '../../../server/cli/project-connect.ts'
import { loadConfig } from '../../../server/config.ts'
import { openPglite } from '../../../server/storage/pglite.ts'
import { createConnectionStore } from '../../../server/storage/connection-store.ts'
import { configuredCardVault } from '../../../server/vault/configured-keys.ts'
import { ROOT, serverEnv, tempDir } from '../../e2e/harness.ts'

const env = serverEnv(0, { dataDir: tempDir('epay-connect-') })
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'project', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 110_000, ...(input === undefined ? {} : { input }) })

const SECRET = 'upstream-secret-do-not-print-0123456789'

// Each case starts a real CLI process (a few seconds each on a busy machine), so they are few.
describe('npm run cli -- project connect', { timeout: 120_000 }, () => {
  it('connects a live project and never shows the upstream secret again', async () => {
    expect(run(['add', '--id', '501', '--name', 'Tea House', '--secret-stdin'], 'merchant-secret-0123456789\n').status).toBe(0)
    const connected = run(
      ['connect', '--id', '501', '--provider', 'ecommpay-gate', '--url', 'https://gate.upstream.example/', '--upstream-project-id', '112', '--secret-stdin', '--methods', 'card'],
      `${SECRET}\n`,
    )
    expect(connected.stderr).toBe('')
    expect(connected.status).toBe(0)
    expect(connected.stdout).toContain('project 501 (live) connected to ecommpay-gate https://gate.upstream.example, upstream project 112, for card')
    expect(connected.stdout).not.toContain(SECRET)
  })

  it('lists the connection and test/live without the secret, which is sealed with the card vault', async () => {
    const list = run(['list'])
    expect(list.status).toBe(0)
    const line = list.stdout.split('\n').find((l) => l.startsWith('501\t'))
    expect(line).toContain('\tlive\tproviders=connected: card via ecommpay-gate https://gate.upstream.example upstream project 112')
    expect(list.stdout).not.toContain(SECRET)

    const sql = await openPglite(env['DATA_DIR'])
    try {
      const raw = JSON.stringify(await sql.query('SELECT * FROM provider_connections'))
      expect(raw).not.toContain(SECRET)
      // Opened with the same keys the server uses (EPAY_CARD_KEYS).
      const store = createConnectionStore(sql, await configuredCardVault(loadConfig(env), sql))
      expect(await store.get(501)).toMatchObject({ secret: SECRET, methods: ['card'], upstreamProjectId: 112 })
      // Sealed for its project: copied onto another project's row it does not open.
      await sql.query("INSERT INTO provider_connections SELECT 502, provider, url, upstream_project_id, methods, secret_sealed, key_id, created_at, updated_at FROM provider_connections WHERE project_id = 501")
      await expect(store.get(502)).rejects.toThrow()
    } finally {
      await sql.close()
    }
  })

  it('refuses a secret on the command line and an unknown project', () => {
    const argv = run(['connect', '--id', '501', '--provider', 'ecommpay-gate', '--url', 'https://gate.upstream.example', '--upstream-project-id', '112', '--secret', SECRET])
    expect(argv.status).toBe(1)
    expect(argv.stderr).toContain('--secret on the command line is refused')
    const missing = run(['connect', '--id', '999', '--provider', 'ecommpay-gate', '--url', 'https://gate.upstream.example', '--upstream-project-id', '112', '--secret-stdin'], `${SECRET}\n`)
    expect(missing.status).toBe(1)
    expect(missing.stderr).toContain('project 999 does not exist')
  })
})

describe('parseConnectOptions', () => {
  const base = { id: 7, provider: 'ecommpay-gate', url: 'https://gate.example', 'upstream-project-id': '112' }
  it('takes every known method by default and refuses unknown ones', () => {
    expect(parseConnectOptions(base, 's').methods).toEqual(['card', 'jeton'])
    expect(() => parseConnectOptions({ ...base, methods: 'card,paypal' }, 's')).toThrow('not paypal')
  })
  it('refuses plain http except to loopback, other providers and a missing secret', () => {
    expect(() => parseConnectOptions({ ...base, url: 'http://gate.example' }, 's')).toThrow('https')
    expect(parseConnectOptions({ ...base, url: 'http://127.0.0.1:8080/' }, 's').url).toBe('http://127.0.0.1:8080')
    expect(() => parseConnectOptions({ ...base, url: 'https://user:pw@gate.example' }, 's')).toThrow('credentials')
    expect(() => parseConnectOptions({ ...base, provider: 'stripe' }, 's')).toThrow('--provider')
    expect(() => parseConnectOptions(base, undefined)).toThrow('--secret-stdin')
  })
})
