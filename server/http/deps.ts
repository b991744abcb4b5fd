import type { CardOperations, Clock, Ids, PaymentStore, ProviderRegistry, WalletOperations } from '../domain/ports.ts'
import type { SimulatedCardAcquirer } from '../providers/simulated-card-acquirer.ts'
import type { SimulatedJeton } from '../providers/simulated-jeton.ts'
import type { Logger } from '../logger.ts'
import type { SessionKey } from '../session/keys.ts'
import type { OutboxStore } from '../storage/outbox-store.ts'
import type { RateLimitStore } from '../storage/rate-limit-store.ts'
import type { ProjectAdmin } from '../storage/project-store.ts'
import type { Sql } from '../storage/sql.ts'
import type { CardTokenStore } from '../storage/card-token-store.ts'
import type { CardVault } from '../vault/card-vault.ts'
import type { AttemptReturnStore } from '../storage/attempt-return-store.ts'
import type { GateDeps } from '../compose-gate.ts'
import type { DashboardDeps } from '../dashboard/dashboard-deps.ts'
import type { UpstreamDeps } from '../providers/live-connections.ts'

/** Static documents served by the app, read once at start. */
/** A built file's brotli and gzip forms, made at build time (vite.config.ts). */
export type Precompressed = { br: Uint8Array; gzip: Uint8Array }

export type Assets = {
  /** The built hosted page's index.html, with the `<!--epay-boot-->` marker. */
  pageHtml: string
  /** Files under /page/assets/ by name. */
  pageFiles: ReadonlyMap<string, { body: ArrayBuffer; type: string; encoded?: Precompressed }>
  /** The built widget (IIFE) and its ES module build. */
  widget: { iife: ArrayBuffer; esm: ArrayBuffer; sha384: string; encoded?: { iife: Precompressed; esm: Precompressed } } | undefined
  /** The demo shop (index.html), when demo mode is on. */
  demoHtml: string | undefined
}

/** Everything the HTTP app needs; built by main.ts (or a test) and passed to createApp. */
export type AppDeps = {
  publicUrl: string
  sessionTtlSeconds: number
  sessionKeys: readonly SessionKey[]
  sql: Sql
  projects: ProjectAdmin
  payments: PaymentStore
  outbox: OutboxStore
  rateLimits: RateLimitStore
  /** Proxies of the operator's own in front of EPay (EPAY_TRUST_PROXY); 0 trusts no X-Forwarded-For. */
  trustProxy: number
  /** Card submissions allowed per minute per session, client address and project. */
  payLimits: { session: number; ip: number; project: number }
  cardTokens: CardTokenStore
  vault: CardVault
  /** Every provider, by project, mode and method: the only way the use cases reach one. */
  providers: ProviderRegistry
  /** The test-mode simulators themselves, for their own pages (ACS, wallet) and notifications. */
  simulators: { card: SimulatedCardAcquirer; cardOperations: CardOperations; jeton: SimulatedJeton; jetonOperations: WalletOperations }
  /** First returns from ACS and wallet pages: each return token resumes its attempt once. */
  attemptReturns: AttemptReturnStore
  clock: Clock
  ids: Ids
  logger: Logger
  assets: Assets
  /**
   * Tells the callback dispatcher an event fell due outside the payment store (a resend), so it
   * does not wait a poll. Events the payment store writes are handed over at commit.
   */
  notifyCallbacks: () => void
  demo: boolean
  /** The Gate API's own dependencies (compose-gate.ts). */
  gate: GateDeps
  /** The merchant dashboard's own dependencies (dashboard/compose-dashboard.ts). */
  dashboard: DashboardDeps
  /** Upstream gateway connections: their records and the shopper's signed links (issue 14). */
  upstream?: UpstreamDeps
}

/** Hono context variables set by middleware. */
export type AppEnv = {
  Variables: {
    requestId: string
    nonce: string
  }
}
