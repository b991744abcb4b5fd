import type { Config } from './config.ts'
import type { Project } from './domain/ports.ts'
import { resolveStalledFollowUps, type ResolveDeps } from './domain/resolve-follow-ups.ts'
import { createIdempotencyStore } from './storage/idempotency-store.ts'
import { createLedgerStore } from './storage/ledger-store.ts'
import { createLimitStore } from './storage/limits-store.ts'
import { createOperationQuery } from './storage/operation-query.ts'
import type { ProjectCache } from './storage/project-cache.ts'
import type { Sql } from './storage/sql.ts'

/** What the Gate API adds to AppDeps: limits (cached per project), ledger, idempotency, queries. */
export function createGateDeps(sql: Sql, cache?: ProjectCache) {
  return {
    limits: createLimitStore(sql, cache),
    ledger: createLedgerStore(sql),
    idempotencyKeys: createIdempotencyStore(sql),
    operationQuery: createOperationQuery(sql),
  }
}
export type GateDeps = ReturnType<typeof createGateDeps>

/** The background job of the Gate: settles follow-ups whose provider answer never arrived. */
export function resolveGateFollowUps(deps: ResolveDeps & { gate: GateDeps; projects: { get(id: number): Promise<Project | undefined> } }): Promise<number> {
  return resolveStalledFollowUps({
    ...deps,
    project: (id) => deps.projects.get(id),
    stalledFollowUps: (before, limit) => deps.gate.operationQuery.stalledFollowUps(before, limit),
  })
}
