import type { Config } from './config.ts'
import type { Project } from './domain/ports.ts'
import { resolveStalledFollowUps, type ResolveDeps } from './domain/resolve-follow-ups.ts'
import { createSimulatedCardOperations } from './providers/simulated-card-operations.ts'
import { createSimulatedJetonPayouts } from './providers/simulated-jeton-payouts.ts'
import { createIdempotencyStore } from './storage/idempotency-store.ts'
import { createLedgerStore } from './storage/ledger-store.ts'
import { createLimitStore } from './storage/limits-store.ts'
import { createOperationQuery } from './storage/operation-query.ts'
import type { Sql } from './storage/sql.ts'

/** What the Gate API adds to AppDeps: follow-up providers, limits, ledger, idempotency, queries. */
export function createGateDeps(sql: Sql, config: Pick<Config, 'acquirerLatencyMs' | 'acquirerTimeoutMs'>) {
  return {
    cardOperations: createSimulatedCardOperations(sql, { latencyMs: config.acquirerLatencyMs, timeoutMs: config.acquirerTimeoutMs }),
    walletOperations: createSimulatedJetonPayouts(sql),
    limits: createLimitStore(sql),
    ledger: createLedgerStore(sql),
    idempotencyKeys: createIdempotencyStore(sql),
    operationQuery: createOperationQuery(sql),
  }
}
export type GateDeps = ReturnType<typeof createGateDeps>

/** The background job of the Gate: settles follow-ups whose provider answer never arrived. */
export function resolveGateFollowUps(deps: Omit<ResolveDeps, 'cardOperations' | 'walletOperations'> & { gate: GateDeps; projects: { get(id: number): Promise<Project | undefined> } }): Promise<number> {
  return resolveStalledFollowUps({
    ...deps,
    cardOperations: deps.gate.cardOperations,
    walletOperations: deps.gate.walletOperations,
    project: (id) => deps.projects.get(id),
    stalledFollowUps: (before, limit) => deps.gate.operationQuery.stalledFollowUps(before, limit),
  })
}
