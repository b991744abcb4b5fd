import * as v from 'valibot'

const flag = (fallback: '0' | '1') =>
  v.pipe(v.optional(v.picklist(['0', '1', 'true', 'false'], 'must be 0 or 1'), fallback), v.transform((s) => s === '1' || s === 'true'))
const int = (fallback: string, min: number, max: number) =>
  v.pipe(v.optional(v.string(), fallback), v.regex(/^\d+$/, 'must be an integer'), v.transform(Number), v.minValue(min), v.maxValue(max))

// `kid:base64url,…`: the first key signs or seals, every listed one opens.
// The zone names PostgreSQL knows are the IANA ones Intl knows, which refuses the rest.
function knownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

const keyList = v.optional(v.pipe(v.string(), v.regex(/^[\w-]+:[\w-]+(,[\w-]+:[\w-]+)*$/, 'must look like kid:base64url,kid:base64url')))

const EnvSchema = v.object({
  PORT: int('8080', 0, 65535),
  /** The address to listen on; loopback in demo mode, every interface in production. */
  HOST: v.optional(v.pipe(v.string(), v.minLength(1))),
  /** The origin shoppers and merchants reach EPay at; defaults to http://localhost:PORT. */
  PUBLIC_URL: v.optional(v.pipe(v.string(), v.url('must be an absolute URL'))),
  DATA_DIR: v.optional(v.pipe(v.string(), v.minLength(1)), './data'),
  DATABASE_URL: v.optional(v.pipe(v.string(), v.regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'))),
  /** Session signing keys; required in production, generated and kept in the database in demo mode. */
  EPAY_SESSION_KEYS: keyList,
  EPAY_SESSION_TTL_SECONDS: int('1800', 60, 86_400),
  /** Keys (32 bytes each) sealing saved card numbers; required in production, generated in demo mode. */
  EPAY_CARD_KEYS: keyList,
  EPAY_DEMO: flag('1'),
  /**
   * How many proxies of your own stand in front of EPay (`0` none, `1` one, …); the client
   * address is the X-Forwarded-For entry that many hops from the right. `true`/`false` mean 1/0.
   */
  EPAY_TRUST_PROXY: v.pipe(
    v.optional(v.string(), '0'),
    v.transform((s) => (s === 'true' ? '1' : s === 'false' ? '0' : s)),
    v.regex(/^\d{1,2}$/, 'must be the number of proxies in front of EPay (0, 1, 2, …)'),
    v.transform(Number),
  ),
  EPAY_PAY_LIMIT_SESSION: int('10', 1, 1_000_000),
  EPAY_PAY_LIMIT_IP: int('30', 1, 1_000_000),
  EPAY_PAY_LIMIT_PROJECT: int('600', 1, 1_000_000),
  EPAY_ALLOW_LOCAL_CALLBACKS: v.optional(v.picklist(['0', '1', 'true', 'false'], 'must be 0 or 1')),
  EPAY_ACQUIRER_LATENCY_MS: int('300', 0, 60_000),
  EPAY_ACQUIRER_TIMEOUT_MS: int('5000', 0, 600_000),
  EPAY_CALLBACK_POLL_MS: int('500', 10, 60_000),
  /**
   * Server processes (SPEC §13): `0` (default) is one per CPU core on PostgreSQL and one on
   * PGlite, whose data directory only one process may open.
   */
  EPAY_WORKERS: int('0', 0, 256),
  LOG_LEVEL: v.optional(v.picklist(['debug', 'info', 'warn', 'error', 'silent']), 'info'),
  /** Dashboard mail (SPEC §14): smtp:// or smtps:// with credentials; unset in demo mode keeps mail in the database. */
  SMTP_URL: v.optional(v.pipe(v.string(), v.regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'))),
  MAIL_FROM: v.optional(v.pipe(v.string(), v.minLength(3)), 'EPay <no-reply@epay.local>'),
  /**
   * Time zones whose daily home aggregates the database keeps (migration 0033, docs/dashboard.md):
   * the zones the organisation's people use, comma-separated IANA names. A quarter or a year of
   * home figures in one of them reads a row per day; other zones read the payments of the period.
   */
  EPAY_HOME_ZONES: v.optional(v.pipe(v.string(), v.transform((text) => text.split(',').map((z) => z.trim()).filter(Boolean)),
    v.check((zones) => zones.every(knownZone), 'must be IANA time zones, comma-separated (Europe/Berlin,Asia/Kathmandu)')), ''),
  /** Self-registration of merchants on the dashboard (issue 13 item 7); off unless `1`. */
  EPAY_SIGNUP: v.optional(v.picklist(['0', '1'], 'must be 0 or 1'), '0'),
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
  /** Proxies of the operator's own in front of EPay; 0 means the socket's address is the client's. */
  trustProxy: number
  payLimits: { session: number; ip: number; project: number }
  allowLocalCallbacks: boolean
  acquirerLatencyMs: number
  acquirerTimeoutMs: number
  callbackPollMs: number
  /** Worker processes asked for; 0 means one per core on PostgreSQL, one on PGlite. */
  workers: number
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent'
  smtpUrl: string | undefined
  mailFrom: string
  /** Merchants may register themselves (`EPAY_SIGNUP=1`). */
  signup: boolean
  /** Time zones whose daily home aggregates are kept (EPAY_HOME_ZONES). */
  homeZones: readonly string[]
}>

/**
 * Parses the environment once and returns a frozen Config; a bad value throws an error that
 * names every offending key, so start-up stops with a message instead of half-working.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = v.safeParse(EnvSchema, env)
  const problems = result.success ? [] : result.issues.map((i) => `${v.getDotPath(i) ?? '?'}: ${i.message}`)
  // A generated key lives in the same database as what it protects: one `pg_dump` would open
  // every saved PAN and let anyone forge session tokens. Only the demo may do without.
  if (env['EPAY_DEMO'] === '0' || env['EPAY_DEMO'] === 'false') {
    for (const key of ['EPAY_CARD_KEYS', 'EPAY_SESSION_KEYS']) {
      if (env[key] === undefined) problems.push(`${key}: required when EPAY_DEMO=0 (kid:base64url of 32 random bytes, kept outside the database)`)
    }
  }
  problems.push(...keyLengthProblems('EPAY_SESSION_KEYS', env['EPAY_SESSION_KEYS'], (n) => n >= 32, 'at least 32 bytes'))
  problems.push(...keyLengthProblems('EPAY_CARD_KEYS', env['EPAY_CARD_KEYS'], (n) => n === 32, '32 bytes'))
  // Two processes on one PGlite directory corrupt it (and the lock file refuses the second).
  if (!env['DATABASE_URL'] && Number(env['EPAY_WORKERS'] ?? 0) > 1) problems.push('EPAY_WORKERS: more than one worker needs PostgreSQL (DATABASE_URL); PGlite is one process')
  if (!result.success || problems.length > 0) throw new Error(`invalid configuration:\n  ${problems.join('\n  ')}`)
  const e = result.output
  const localCallbacks = e.EPAY_ALLOW_LOCAL_CALLBACKS
  return Object.freeze({
    port: e.PORT,
    // The demo signs payments for anyone who can reach it, so it stays on this machine unless
    // HOST says otherwise.
    host: e.HOST ?? (e.EPAY_DEMO ? '127.0.0.1' : '0.0.0.0'),
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
    workers: e.EPAY_WORKERS,
    logLevel: e.LOG_LEVEL,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    signup: e.EPAY_SIGNUP === '1',
    homeZones: e.EPAY_HOME_ZONES,
  })
}

// A short HS256 key is brute-forceable from one token; AES-256 needs exactly 32 bytes.
function keyLengthProblems(name: string, text: string | undefined, fits: (bytes: number) => boolean, wanted: string): string[] {
  if (!text) return []
  return text.split(',').flatMap((part) => {
    const [kid = '', value = ''] = part.split(':')
    return fits(Buffer.from(value, 'base64url').length) ? [] : [`${name}: key ${kid} must be ${wanted} (base64url)`]
  })
}
