import type { CardVault } from '../vault/card-vault.ts'
import type { ProjectCache } from './project-cache.ts'
import { toSafeInt, type Sql } from './sql.ts'

import type { ConnectionProvider } from '../../protocol/schemas/dashboard/connection.ts'

export { CONNECTION_PROVIDERS, type ConnectionProvider } from '../../protocol/schemas/dashboard/connection.ts'

/** A live project's connection to an upstream gateway, with its secret opened (in memory only). */
export type ProviderConnection = {
  projectId: number
  provider: ConnectionProvider
  /** The upstream Gate's base URL (its `/v2/...` calls are relative to it). */
  url: string
  upstreamProjectId: number
  methods: string[]
  secret: string
}

/** What an operator may see of a connection: everything but the secret. */
export type ConnectionSummary = Omit<ProviderConnection, 'secret'>

// The sealed secret is bound to its project: copied onto another project's row it fails to open.
const context = (projectId: number) => `provider-connection:${projectId}`

/**
 * Storage of provider connections (issue 14). Hint: the upstream secret is sealed with the card
 * vault like a card number and only ever opened to sign requests and verify callbacks; nothing
 * that lists connections returns it. With a cache, `get` and `summary` read once per change of
 * the project; the opened secret then stays in this process's memory, as the vault keys do.
 */
export function createConnectionStore(sql: Sql, vault: CardVault, cache?: ProjectCache) {
  const cached = <T>(projectId: number, kind: string, load: () => Promise<T>) => (cache ? cache.read(projectId, kind, load) : load())
  const summary = (r: Record<string, unknown>): ConnectionSummary => ({
    projectId: toSafeInt(r['project_id'], 'project_id'),
    provider: String(r['provider']) as ConnectionProvider,
    url: String(r['url']),
    upstreamProjectId: toSafeInt(r['upstream_project_id'], 'upstream_project_id'),
    methods: JSON.parse(String(r['methods'])) as string[],
  })
  return {
    /** Creates or replaces the project's connection. */
    async connect(connection: ProviderConnection, now: Date): Promise<void> {
      const { sealed, keyId } = vault.seal(connection.secret, context(connection.projectId))
      await sql.query(
        `INSERT INTO provider_connections (project_id, provider, url, upstream_project_id, methods, secret_sealed, key_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         ON CONFLICT (project_id) DO UPDATE SET provider = $2, url = $3, upstream_project_id = $4, methods = $5, secret_sealed = $6, key_id = $7, updated_at = $8`,
        [connection.projectId, connection.provider, connection.url, connection.upstreamProjectId, JSON.stringify(connection.methods), sealed, keyId, now],
      )
    },
    async disconnect(projectId: number): Promise<boolean> {
      return (await sql.query('DELETE FROM provider_connections WHERE project_id = $1 RETURNING project_id', [projectId])).length > 0
    },
    summary: (projectId: number): Promise<ConnectionSummary | undefined> => cached(projectId, 'connection-summary', async () => {
      const rows = await sql.query('SELECT project_id, provider, url, upstream_project_id, methods FROM provider_connections WHERE project_id = $1', [projectId])
      return rows[0] ? Object.freeze(summary(rows[0])) : undefined
    }),
    /** The connection with its secret opened, to talk to the upstream. */
    get: (projectId: number): Promise<ProviderConnection | undefined> => cached(projectId, 'connection', async () => {
      const rows = await sql.query('SELECT * FROM provider_connections WHERE project_id = $1', [projectId])
      const r = rows[0]
      if (!r) return undefined
      return Object.freeze({ ...summary(r), secret: vault.open(String(r['secret_sealed']), String(r['key_id']), context(projectId)) })
    }),
  }
}

export type ConnectionStore = ReturnType<typeof createConnectionStore>
