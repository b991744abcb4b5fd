import { createGateClient } from '../providers/ecommpay-gate/gate-client.ts'
import { readUpstreamPayment } from '../providers/ecommpay-gate/upstream-status.ts'
import type { ConnectionStore } from '../storage/connection-store.ts'
import type { UpstreamPayments } from './reconcile-day.ts'

/** Status queries to a project's upstream over its current connection (the Gate protocol), or undefined if it has none. */
export function upstreamPaymentsFor(connections: Pick<ConnectionStore, 'get'>, timeoutMs: number, fetchImpl?: typeof fetch) {
  return async (projectId: number): Promise<UpstreamPayments | undefined> => {
    const connection = await connections.get(projectId)
    if (!connection) return undefined
    switch (connection.provider) {
      case 'ecommpay-gate': {
        const client = createGateClient({ url: connection.url, projectId: connection.upstreamProjectId, secret: connection.secret, timeoutMs, ...(fetchImpl ? { fetch: fetchImpl } : {}) })
        return (paymentId) => readUpstreamPayment(client, paymentId)
      }
    }
  }
}
