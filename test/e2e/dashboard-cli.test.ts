import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSRF_HEADER } from '../../protocol/schemas/dashboard/endpoints.ts'
import { cliWithPassword } from '../../scripts/dashboard-screens.ts'
import { postgresStorage, type CrashStorage } from './crash-driver.ts'
import { cli, freePort, serverEnv, startServer, type ServerProcess } from './harness.ts'

const url = process.env['DATABASE_URL']

/**
 * One request on a fresh connection: minutes of CLI runs pass between calls, longer than the
 * server's keep-alive, and a pooled socket closed meanwhile would fail the next fetch.
 */
function call(target: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; cookie: string | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(target, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false }, (res) => {
      let text = ''
      res.on('data', (d: Buffer) => (text += d.toString('utf8')))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookie: res.headers['set-cookie']?.[0]?.split(';')[0], text }))
    })
    req.on('error', reject)
    req.end(init.body)
  })
}

// SPEC §14: with PostgreSQL the CLI manages organisations and users while servers run.
describe.skipIf(!url)('dashboard CLI beside a running server (PostgreSQL)', () => {
  let storage: CrashStorage
  let server: ServerProcess
  let env: Record<string, string>

  beforeAll(async () => {
    storage = await postgresStorage(url!)
    env = serverEnv(await freePort(), storage.storage)
    server = await startServer(env, { timeoutMs: 120_000 })
  }, 300_000)
  afterAll(async () => {
    await server?.stop()
    await storage?.cleanup()
  })

  it('adds an organisation, a project and an owner who can sign in at once', async () => {
    const org = cli(env, ['org', 'add', '--name', 'Live Co']).trim().split('\n').at(-1)!
    expect(org).toMatch(/^org_[A-Za-z0-9_-]+$/)
    expect(cli(env, ['org', 'list'])).toContain(`${org}\tLive Co`)
    cli(env, ['project', 'add', '--id', '8800', '--name', 'Live shop', '--org', org, '--test'])
    cli(env, ['project', 'add', '--id', '8801', '--name', 'Legacy script'])
    expect(cli(env, ['org', 'list'])).toMatch(/org_default\tDefault\tprojects=1/)
    const userId = cliWithPassword(env, ['user', 'add', '--email', 'boss@live.example', '--role', 'owner', '--org', org, '--password-stdin'], 'meadow-falcon-19-granite').trim().split('\n').at(-1)!
    expect(userId).toMatch(/^usr_/)
    expect(() => cliWithPassword(env, ['user', 'add', '--email', 'weak@live.example', '--role', 'viewer', '--org', org, '--password-stdin'], 'password1234')).toThrow(/common passwords/)

    const signIn = async (email: string, password: string) => {
      const res = await call(`${server.url}/api/dashboard/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: server.url, [CSRF_HEADER]: '1' },
        body: JSON.stringify({ email, password }),
      })
      expect(res.status).toBe(200)
      return res.cookie!
    }
    const cookie = await signIn('boss@live.example', 'meadow-falcon-19-granite')
    const projects = JSON.parse((await call(`${server.url}/api/dashboard/projects`, { headers: { cookie } })).text) as { projects: Array<{ id: number }> }
    expect(projects.projects.map((p) => p.id)).toEqual([8800])

    expect(() => cli(env, ['user', 'disable', '--email', 'boss@live.example'])).toThrow(/last owner/)
    cliWithPassword(env, ['user', 'add', '--email', 'clerk@live.example', '--role', 'viewer', '--org', org, '--project', '8800', '--password-stdin'], 'saffron-kettle-65-harbor')
    const clerk = await signIn('clerk@live.example', 'saffron-kettle-65-harbor')
    cli(env, ['user', 'disable', '--email', 'clerk@live.example'])
    expect((await call(`${server.url}/api/dashboard/me`, { headers: { cookie: clerk } })).status).toBe(401)
    expect(cli(env, ['journal', 'verify'])).toMatch(/^journal intact/)
  }, 300_000)
})
