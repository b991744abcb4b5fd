import * as v from 'valibot'

const flag = (fallback: '0' | '1') =>
  v.pipe(v.optional(v.picklist(['0', '1', 'true', 'false'], 'must be 0 or 1'), fallback), v.transform((s) => s === '1' || s === 'true'))
const int = (fallback: string, min: number, max: number) =>
  v.pipe(v.optional(v.string(), fallback), v.regex(/^\d+$/, 'must be an integer'), v.transform(Number), v.minValue(min), v.maxValue(max))

const EnvSchema = v.object({
  PORT: int('8080', 0, 65535),
  HOST: v.optional(v.string(), '0.0.0.0'),
  /** The origin shoppers and merchants reach EPay at; defaults to http://localhost:PORT. */
  PUBLIC_URL: v.optional(v.pipe(v.string(), v.url('must be an absolute URL'))),
  DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './data'),
  DATABASE_URL: v.optional(v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'))),
  /** `kid:base64url,…`; when unset a key is generated once and kept in the database. */
  EPAY_SESSION_KEYS: v.optional(v.string()),
  EPAY_SESSION_TTL_SECONDS: int('1800', 60, 86_400),
  /** `kid:base64url(32 bytes),…` for sealing saved card numbers; generated and kept in the database when unset. */
  EPAY_CARD_KEYS: v.optional(v.string()),
  EPAY_DEMO: flag('1'),
  /** Trust the first X-Forwarded-For hop as the client address (only behind your own proxy). */
  EPAY_TRUST_PROXY: flag('0'),
  EPAY_PAY_LIMIT_SESSION: int('10', 1, 1_000_000),
  EPAY_PAY_LIMIT_IP: int('30', 1, 1_000_000),
  EPAY_PAY_LIMIT_PROJECT: int('600', 1, 1_000_000),
  EPAY_ALLOW_LOCAL_CALLBACKS: v.optional(v.picklist(['0', '1', 'true', 'false'], 'must be 0 or 1')),
  EPAY_ACQUIRER_LATENCY_MS: int('300', 0, 60_000),
  EPAY_ACQUIRER_TIMEOUT_MS: int('5000', 0, 600_000),
  EPAY_CALLBACK_POLL_MS: int('500', 10, 60_000),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
})

/** Server configuration, parsed once at start (SPEC §2). */
export type Config = Readonly<{
  port: number
  host: string
  publicUrl: string
  dataDir: string
  databaseUrl: string | undefined
  sessionKeys: string | undefined
  sessionTtlSeconds: number
  cardKeys: string | undefined
  demo: boolean
  trustProxy: boolean
  payLimits: { session: number; ip: number; project: number }
  allowLocalCallbacks: boolean
  acquirerLatencyMs: number
  acquirerTimeoutMs: number
  callbackPollMs: number
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
}>

/**
 * Parses the environment once and returns a frozen Config; a bad value throws an error that
 * names every offending key, so start-up stops with a message instead of half-working.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = v.safeParse(EnvSchema, env)
  if (!result.success) {
    const problems = result.issues.map((i) => `${v.getDotPath(i) ?? '?'}: ${i.message}`)
    throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  const e = result.output
  const localCallbacks = e.EPAY_ALLOW_LOCAL_CALLBACKS
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    sessionKeys: e.EPAY_SESSION_KEYS,
    sessionTtlSeconds: e.EPAY_SESSION_TTL_SECONDS,
    cardKeys: e.EPAY_CARD_KEYS,
    demo: e.EPAY_DEMO,
    trustProxy: e.EPAY_TRUST_PROXY,
    payLimits: { session: e.EPAY_PAY_LIMIT_SESSION, ip: e.EPAY_PAY_LIMIT_IP, project: e.EPAY_PAY_LIMIT_PROJECT },
    // The demo's callback receiver runs on this machine, so demo mode allows local targets
    // unless told otherwise; production (EPAY_DEMO=0) refuses them by default (SSRF).
    allowLocalCallbacks: localCallbacks === undefined ? e.EPAY_DEMO : localCallbacks === '1' || localCallbacks === 'true',
    acquirerLatencyMs: e.EPAY_ACQUIRER_LATENCY_MS,
    acquirerTimeoutMs: e.EPAY_ACQUIRER_TIMEOUT_MS,
    callbackPollMs: e.EPAY_CALLBACK_POLL_MS,
    logLevel: e.LOG_LEVEL,
  })
}
