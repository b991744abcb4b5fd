import { randomBytes } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { loadAssets } from './assets.ts'
import { ensureDemoProject } from './bootstrap.ts'
import { LEASE_MS, createDispatcher } from './callbacks/dispatcher.ts'
import type { Config } from './config.ts'
import type { Clock, Ids } from './domain/ports.ts'
import type { AppDeps, Assets } from './http/deps.ts'
import { randomIds, systemClock } from './ids.ts'
import { createLogger, type Logger } from './logger.ts'
import { createSimulatedCardAcquirer } from './providers/simulated-card-acquirer.ts'
import { createSimulatedCardOperations } from './providers/simulated-card-operations.ts'
import { createSimulatedJeton } from './providers/simulated-jeton.ts'
import { createSimulatedJetonPayouts } from './providers/simulated-jeton-payouts.ts'
import { SIMULATED_CARD_PROVIDER_ID, SIMULATED_JETON_PROVIDER_ID } from './providers/provider-ids.ts'
import { createProviderRegistry, type LiveConnections } from './providers/provider-registry.ts'
import { createLiveConnections, upstreamDeps } from './providers/live-connections.ts'
import { createConnectionStore } from './storage/connection-store.ts'
import { createAttemptReturnStore } from './storage/attempt-return-store.ts'
import { parseSessionKeys } from './session/keys.ts'
import { migrate } from './storage/migrate.ts'
import { keepHomeZones } from './dashboard/home/home-zones.ts'
import { createOutboxStore } from './storage/outbox-store.ts'
import { createRateLimitStore } from './storage/rate-limit-store.ts'
import { createPaymentStore } from './storage/payment-store.ts'
import { openPglite } from './storage/pglite.ts'
import { openPostgres } from './storage/postgres.ts'
import { createProjectStore } from './storage/project-store.ts'
import { createProjectCache } from './storage/project-cache.ts'
import { createCardTokenStore } from './storage/card-token-store.ts'
import { createCardVault, parseVaultKeys } from './vault/card-vault.ts'
import { configuredCardKeys } from './vault/configured-keys.ts'
import { getOrCreateSetting } from './storage/settings-store.ts'
import type { Sql } from './storage/sql.ts'
import { createGateDeps, resolveGateFollowUps } from './compose-gate.ts'
import { closeRetryWindows } from './domain/close-retry-windows.ts'
import { DEFAULT_STALL_LIMITS, expirePayments, resolveStalledAttempts } from './domain/resolve-stalled.ts'
import { declineUnstartedGatePayments } from './domain/resolve-unstarted.ts'
import { composeDashboard } from './dashboard/compose-dashboard.ts'
import { DEMO_ORG_ID, ensureDemoOrg, ensureDemoOwner } from './dashboard/bootstrap-demo.ts'
import { DEMO_PROJECT_ID } from './bootstrap.ts'
import { notifiedReconciliationNotice, type ReconciliationNotice } from './reconciliation/reconciliation-notice.ts'

/**
 * How long one call to an upstream gateway may take before EPay stops waiting: the attempt then
 * stays `processing` until a status query tells (the stall resolver waits at least this long).
 */
const UPSTREAM_TIMEOUT_MS = 10_000

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Opens the configured database (PostgreSQL when DATABASE_URL is set, else PGlite) and migrates it. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'>): Promise<Sql> {
  const sql = config.databaseUrl ? await openPostgres(config.databaseUrl) : await openPglite(config.dataDir)
  await migrate(sql)
  return sql
}

/**
 * The server's database: opened, migrated, and keeping the home zones asked for. Only servers
 * keep zones — a CLI command must not hold payment writes off for a backfill — and a zone that
 * cannot be added now is said on stderr, not a reason to stay down.
 */
export async function openServerDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'homeZones'>): Promise<Sql> {
  const sql = await openDatabase(config)
  await keepHomeZones(sql, config.homeZones, (zone, error) =>
    process.stderr.write(`EPay: home aggregates for ${zone} not kept this time: ${error instanceof Error ? error.message : String(error)}\n`))
  return sql
}

/**
 * Wires storage, providers, sessions and the dispatcher into AppDeps (the composition root).
 * Tests call it with an in-memory database, a fixed clock and no latency.
 */
export async function composeDeps(
  config: Config,
  sql: Sql,
  overrides: { clock?: Clock; ids?: Ids; logger?: Logger; assets?: Assets; live?: LiveConnections; upstreamTimeoutMs?: number; reconciliationNotice?: ReconciliationNotice } = {},
) {
  const clock = overrides.clock ?? systemClock
  const logger = overrides.logger ?? createLogger(config.logLevel)
  // One cache for the project rows, limits and connections every request reads (project-cache.ts).
  const cache = createProjectCache(sql)
  const projects = createProjectStore(sql, clock, cache)
  const outbox = createOutboxStore(sql)
  const keyText = config.sessionKeys ?? `k1:${await getOrCreateSetting(sql, 'session_key_k1', () => randomBytes(32).toString('base64url'))}`
  const cardKeys = await configuredCardKeys(config, sql)
  if (config.demo) {
    const orgCreated = await ensureDemoOrg(sql, clock.now())
    await ensureDemoProject(projects, config.publicUrl, logger, DEMO_ORG_ID)
    await ensureDemoOwner(sql, { projectId: DEMO_PROJECT_ID, orgCreated, publicUrl: config.publicUrl, now: clock.now(), write: (t) => process.stdout.write(t) })
  }
  const stallLimits = { ...DEFAULT_STALL_LIMITS, processingMs: Math.max(DEFAULT_STALL_LIMITS.processingMs, config.acquirerTimeoutMs + 1_000) }
  const simulators = {
    card: createSimulatedCardAcquirer(sql, {
      latencyMs: config.acquirerLatencyMs,
      timeoutMs: config.acquirerTimeoutMs,
      acsUrl: `${config.publicUrl}/sim/acs`,
      secret: await getOrCreateSetting(sql, 'sim_acs_secret', () => randomBytes(32).toString('base64url')),
      clock,
      challengeTtlMs: DEFAULT_STALL_LIMITS.challengeMs,
    }),
    jeton: createSimulatedJeton(sql, {
      pageUrl: `${config.publicUrl}/sim/wallets/jeton`,
      secret: await getOrCreateSetting(sql, 'sim_jeton_secret', () => randomBytes(32).toString('base64url')),
      clock,
      pageTtlMs: DEFAULT_STALL_LIMITS.walletAbandonMs,
    }),
    cardOperations: createSimulatedCardOperations(sql, { latencyMs: config.acquirerLatencyMs, timeoutMs: config.acquirerTimeoutMs }),
    jetonOperations: createSimulatedJetonPayouts(sql),
  }
  const vault = createCardVault(parseVaultKeys(cardKeys))
  const upstream = upstreamDeps(sql, createConnectionStore(sql, vault, cache), await getOrCreateSetting(sql, 'upstream_ticket_secret', () => randomBytes(32).toString('base64url')))
  const live = overrides.live ?? createLiveConnections({ ...upstream, publicUrl: config.publicUrl, clock, timeoutMs: overrides.upstreamTimeoutMs ?? UPSTREAM_TIMEOUT_MS })
  // Test payments only: the registry never hands a simulator a live payment.
  const providers = createProviderRegistry({
    simulators: {
      card: { kind: 'card', providerId: SIMULATED_CARD_PROVIDER_ID, acquirer: simulators.card, operations: simulators.cardOperations },
      jeton: { kind: 'wallet', providerId: SIMULATED_JETON_PROVIDER_ID, wallet: simulators.jeton, operations: simulators.jetonOperations },
    },
    live,
  })
  const dispatcher = createDispatcher({ outbox, projects, clock, logger, allowLocal: config.allowLocalCallbacks })
  const deps: AppDeps = {
    publicUrl: config.publicUrl,
    sessionTtlSeconds: config.sessionTtlSeconds,
    sessionKeys: parseSessionKeys(keyText),
    sql,
    projects,
    // Events this process writes are delivered by it at once, without a claim (dispatcher.ts).
    payments: createPaymentStore(sql, { leaseMs: LEASE_MS, takes: () => dispatcher.takesHandOff(), deliver: (event) => dispatcher.handOff(event) }),
    outbox,
    rateLimits: createRateLimitStore(sql),
    trustProxy: config.trustProxy,
    payLimits: config.payLimits,
    cardTokens: createCardTokenStore(sql),
    vault,
    providers,
    simulators,
    attemptReturns: createAttemptReturnStore(sql),
    clock,
    ids: overrides.ids ?? randomIds,
    logger,
    assets: overrides.assets ?? loadAssets(REPO_ROOT, config.demo),
    notifyCallbacks: () => dispatcher.wake(),
    demo: config.demo,
    gate: createGateDeps(sql, cache),
    upstream,
    dashboard: composeDashboard({
      sql, clock, logger, vault, projects, connections: upstream.connections, config, root: REPO_ROOT,
      // Notifications plug in here: a ReconciliationNotice that tells the organisation's users.
      reconciliation: { notice: overrides.reconciliationNotice ?? notifiedReconciliationNotice(sql, logger, () => clock.now()), upstreamTimeoutMs: overrides.upstreamTimeoutMs ?? UPSTREAM_TIMEOUT_MS },
    }),
  }
  const jobs = {
    /** Resolves stalled attempts and expires unpaid payments; safe to run in every process at once. */
    async tick(): Promise<number> {
      const resolved = await resolveStalledAttempts({ ...deps, project: (id) => projects.get(id) }, stallLimits)
      // Before expiry: a retry window ended by best_before still gets its final decline callback.
      await closeRetryWindows({ ...deps, project: (id) => projects.get(id) })
      const expired = await expirePayments(deps)
      const unstarted = await declineUnstartedGatePayments({ ...deps, project: (id) => projects.get(id), liveClaimOn: (id) => deps.gate.idempotencyKeys.liveClaimOn(id) })
      await resolveGateFollowUps(deps)
      await deps.rateLimits.prune(new Date(deps.clock.now().getTime() - 3_600_000))
      return resolved + expired + unstarted
    },
  }
  return { deps, dispatcher, jobs }
}
