import { parseArgs } from 'node:util'
import { openDatabase } from '../compose.ts'
import { loadConfig } from '../config.ts'
import { systemClock } from '../ids.ts'
import { createProjectStore } from '../storage/project-store.ts'
import { readAll, secretOnArgvError, splitSecret } from './stdin.ts'
import { parseOrigin } from '../domain/origin.ts'
import { projectListLines } from './project-list.ts'
import { parseConnectOptions } from './project-connect.ts'
import { connectionDescriptions } from '../providers/live-connections.ts'
import { createConnectionStore } from '../storage/connection-store.ts'
import { configuredCardVault } from '../vault/configured-keys.ts'

/** `project …`: manages projects without SQL (SPEC §2), against the same database the server uses. */
export async function projectCommand([command, ...rest]: string[], usage: string): Promise<void> {
  if (!command) throw new Error(usage)
  const { values } = parseArgs({
    args: rest,
    options: {
      id: { type: 'string' },
      name: { type: 'string' },
      secret: { type: 'string' },
      'secret-stdin': { type: 'boolean' },
      'revoke-old': { type: 'boolean' },
      'callback-url': { type: 'string' },
      origin: { type: 'string', multiple: true },
      'return-host': { type: 'string', multiple: true },
      test: { type: 'boolean' },
      org: { type: 'string' },
      provider: { type: 'string' },
      url: { type: 'string' },
      'upstream-project-id': { type: 'string' },
      methods: { type: 'string' },
      bps: { type: 'string' },
    },
  })
  const id = values.id === undefined ? undefined : Number(values.id)
  if (id !== undefined && (!Number.isSafeInteger(id) || id <= 0)) throw new Error('--id must be a positive integer')
  if (values.secret !== undefined) throw secretOnArgvError()
  // Checked before the database is opened, so a typo costs nothing.
  const allowedOrigins = (values.origin ?? []).map((o) => {
    try {
      return parseOrigin(o)
    } catch (error) {
      throw new Error(`--origin: ${error instanceof Error ? error.message : String(error)}`)
    }
  })
  const secret = values['secret-stdin'] ? splitSecret(await readAll(process.stdin)).secret : undefined
  const connection = command === 'connect' ? parseConnectOptions({ ...values, id }, secret) : undefined
  const config = loadConfig()
  const sql = await openDatabase(config)
  try {
    const projects = createProjectStore(sql, systemClock)
    // Opened only by the commands that use connections: the vault's keys may live in the database.
    const connections = async () => createConnectionStore(sql, await configuredCardVault(config, sql))
    switch (command) {
      case 'add': {
        if (id === undefined || !values.name) throw new Error(usage)
        const project = await projects.add({
          id,
          name: values.name,
          ...(secret ? { secret } : {}),
          ...(values['callback-url'] ? { callbackUrl: values['callback-url'] } : {}),
          allowedOrigins,
          returnHosts: values['return-host'] ?? [],
          testMode: values.test ?? false,
          ...(values.org ? { orgId: values.org } : {}),
        })
        // A generated secret is shown once, as the dashboard does; a given one is never echoed.
        process.stdout.write(`project ${project.id} "${project.name}" created\n${secret ? '' : `secret: ${project.secrets[0]}\n`}`)
        break
      }
      case 'list':
        for (const line of await projectListLines(await projects.list(), connectionDescriptions(await connections()))) process.stdout.write(`${line}\n`)
        break
      case 'connect': {
        if (!connection) throw new Error(usage)
        const project = await projects.get(connection.projectId)
        if (!project) throw new Error(`project ${connection.projectId} does not exist`)
        await (await connections()).connect(connection, systemClock.now())
        // The secret is never echoed: it is sealed now and only ever opened to sign and verify.
        process.stdout.write(`project ${project.id} (${project.testMode ? 'test' : 'live'}) connected to ${connection.provider} ${connection.url}, upstream project ${connection.upstreamProjectId}, for ${connection.methods.join(',')}; the secret is sealed and will not be shown again\n`)
        if (project.testMode) process.stdout.write('note: the project is in test mode: its payments stay on the simulators until it is live\n')
        break
      }
      case 'disconnect': {
        if (id === undefined) throw new Error(usage)
        process.stdout.write((await (await connections()).disconnect(id)) ? `project ${id} disconnected: its live payments are refused\n` : `project ${id} had no connection\n`)
        break
      }
      case 'rotate-secret': {
        if (id === undefined) throw new Error(usage)
        const revokeOld = values['revoke-old'] ?? false
        const project = await projects.rotateSecret(id, systemClock.now(), { revokeOld })
        process.stdout.write(`project ${project.id}: new secret: ${project.secrets[0]}\n${revokeOld ? 'the old secret is no longer valid' : 'the old secret stays valid for 24 hours'}\n`)
        break
      }
      case 'commission': {
        // The platform's rate on the project's paid money (docs/dashboard.md): posted when money
        // arrives, so a change applies from now on and never re-prices what was paid.
        const bps = Number(values.bps)
        if (id === undefined || values.bps === undefined || !/^\d{1,5}$/.test(values.bps) || bps > 10_000) throw new Error('--id N and --bps 0..10000 (basis points: 150 = 1.50 %) are required')
        const rows = await sql.query('UPDATE projects SET commission_bps = $2 WHERE id = $1 RETURNING id', [id, bps])
        if (!rows[0]) throw new Error(`project ${id} does not exist`)
        process.stdout.write(`project ${id}: commission ${(bps / 100).toFixed(2)} % of paid money from now on\n`)
        break
      }
      default:
        throw new Error(usage)
    }
  } finally {
    await sql.close()
  }
}

