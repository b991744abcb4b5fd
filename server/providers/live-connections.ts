import type { Clock, MethodRoute } from '../domain/ports.ts'
import type { ConnectionStore } from '../storage/connection-store.ts'
import type { Sql } from '../storage/sql.ts'
import { createEcommpayGateConnector } from './ecommpay-gate/connector.ts'
import { upstreamRequests, type UpstreamRequests } from './ecommpay-gate/upstream-requests.ts'
import { upstreamCardTokens, type UpstreamCardTokens } from './ecommpay-gate/upstream-tokens.ts'
import type { LiveConnections } from './provider-registry.ts'
import { simTickets, type SimTickets } from './sim-ticket.ts'

/** What the connectors share in one process: their records and the signed links they give shoppers. */
export type UpstreamDeps = {
  connections: ConnectionStore
  requests: UpstreamRequests
  cardTokens: UpstreamCardTokens
  tickets: { acs: SimTickets; return: SimTickets }
}

export function upstreamDeps(sql: Sql, connections: ConnectionStore, ticketSecret: string): UpstreamDeps {
  return { connections, requests: upstreamRequests(sql), cardTokens: upstreamCardTokens(sql), tickets: { acs: simTickets(ticketSecret, 'upstream-acs'), return: simTickets(ticketSecret, 'upstream-return') } }
}

/**
 * The live projects' connections (issue 14), read from storage on every routing: a project
 * connected, changed or disconnected with the CLI is served accordingly by the next request,
 * with no restart. Each connection serves exactly the methods it lists.
 */
export function createLiveConnections(options: UpstreamDeps & { publicUrl: string; clock: Clock; timeoutMs: number; fetch?: typeof fetch }): LiveConnections {
  return {
    async route(projectId: number, method: string): Promise<MethodRoute | undefined> {
      const connection = await options.connections.get(projectId)
      if (!connection || !connection.methods.includes(method)) return undefined
      switch (connection.provider) {
        case 'ecommpay-gate': {
          const connector = createEcommpayGateConnector({ ...options, connection })
          const byMethod: Record<string, MethodRoute> = { card: connector.card, jeton: connector.wallet }
          return byMethod[method]
        }
      }
    },
    ...connectionDescriptions(options.connections),
  }
}

/** What operators see of the connections (`project list`): methods and where they go, never a secret. */
export function connectionDescriptions(connections: ConnectionStore): Pick<LiveConnections, 'methods' | 'describe'> {
  return {
    methods: async (projectId) => (await connections.summary(projectId))?.methods ?? [],
    async describe(projectId) {
      const c = await connections.summary(projectId)
      return c ? `${c.provider} ${c.url} upstream project ${c.upstreamProjectId}` : undefined
    },
  }
}
