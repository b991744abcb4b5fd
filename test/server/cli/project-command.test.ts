import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { parseOrigin } from '../../../server/domain/origin.ts'
import { openPglite } from '../../../server/storage/pglite.ts'
import { createProjectStore } from '../../../server/storage/project-store.ts'
import { dataDir } from '../../e2e/data-dir.ts'
import { ROOT, serverEnv } from '../../e2e/harness.ts'

const env = serverEnv(0, { dataDir: dataDir('epay-cli-') })
const run = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'server/cli.ts', 'project', ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 110_000, ...(input === undefined ? {} : { input }) })

/** The project as stored, read after the CLI has exited (PGlite admits one process at a time). */
async function stored(id: number) {
  const sql = await openPglite(env['DATA_DIR'])
  try {
    return await createProjectStore(sql, { now: () => new Date() }).get(id)
  } finally {
    await sql.close()
  }
}

// Each case starts a real CLI process (a few seconds each on a busy machine), so they are few.
describe('npm run cli -- project', { timeout: 120_000 }, () => {
  // @see issue 9 item 7: secrets on argv are visible to every user of the machine (ps, /proc).
  it('takes the secret on stdin and never prints it back', async () => {
    const secret = 'stdin-secret-0123456789abcdef'
    const added = run(['add', '--id', '301', '--name', 'Stdin shop', '--secret-stdin', '--origin', 'https://shop.example', '--origin', 'http://127.0.0.1:8443/', '--test'], `${secret}\n`)
    expect(added.stderr).toBe('')
    expect(added.status).toBe(0)
    expect(added.stdout).toContain('project 301')
    expect(added.stdout).not.toContain(secret)
    expect(await stored(301)).toMatchObject({ secrets: [secret], allowedOrigins: ['https://shop.example', 'http://127.0.0.1:8443'] })
    const empty = run(['add', '--id', '302', '--name', 'No secret', '--secret-stdin'], '\n')
    expect(empty.status).toBe(1)
    expect(empty.stderr).toContain('--secret-stdin')
  })

  // @see issue 9 item 7: `--origin https://shop.example/path` was silently cut to its origin.
  it('refuses an --origin that is not scheme://host[:port], before opening the database', () => {
    const result = run(['add', '--id', '303', '--name', 'Bad origin', '--origin', 'https://shop.example/checkout', '--test'])
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('--origin: "https://shop.example/checkout" is not an origin')
  })

  // @see issue 9 item 7: `rotate-secret` kept a leaked secret valid for 24 hours with no way to end it.
  it('ends the old secret at once with rotate-secret --revoke-old', async () => {
    const revoked = run(['rotate-secret', '--id', '301', '--revoke-old'])
    expect(revoked.status).toBe(0)
    expect(revoked.stdout).toContain('the old secret is no longer valid')
    const project = await stored(301)
    expect(project?.secrets).toHaveLength(1)
    expect(project?.secrets[0]).not.toBe('stdin-secret-0123456789abcdef')
    expect(revoked.stdout).toContain(project!.secrets[0])
  })

  it('sets the platform commission rate in basis points, and refuses one out of range', async () => {
    const set = run(['commission', '--id', '301', '--bps', '150'])
    expect(set.stderr).toBe('')
    expect(set.stdout).toContain('commission 1.50 %')
    expect(await stored(301)).toMatchObject({ commissionBps: 150 })
    const bad = run(['commission', '--id', '301', '--bps', '10001'])
    expect(bad.status).toBe(1)
    expect(bad.stderr).toContain('--bps 0..10000')
    expect(await stored(301)).toMatchObject({ commissionBps: 150 })
  })
})

describe('parseOrigin', () => {
  it.each([
    ['https://shop.example', 'https://shop.example'],
    ['https://shop.example/', 'https://shop.example'],
    ['HTTPS://Shop.Example:443', 'https://shop.example'],
    ['http://127.0.0.1:8080', 'http://127.0.0.1:8080'],
    ['http://[::1]:8080', 'http://[::1]:8080'],
  ])('reads %s as %s', (value, origin) => {
    expect(parseOrigin(value)).toBe(origin)
  })

  it.each([
    'https://shop.example/checkout', 'shop.example', 'https://shop.example?x=1', 'https://shop.example#top', 'https://user@shop.example',
    'https://*.shop.example', 'ftp://shop.example', 'https://a.example; script-src *', 'https://a.example https://b.example', '*', '', 'https://',
    'https://shop.example:99999', 'javascript://shop.example',
  ])('refuses %j', (value) => {
    expect(() => parseOrigin(value)).toThrow(expect.objectContaining({ code: 'validation_failed' }))
  })
})
