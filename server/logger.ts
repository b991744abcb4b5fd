/** Structured JSON log lines; card data, secrets and tokens are redacted before writing. */
export type Logger = {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 } as const
const SENSITIVE_KEY = /pan|card|cvc|cvv|secret|token|authorization|signature|password|cookie/i
// Belt and braces: any run of 12–19 digits in a logged string could be a PAN.
const PAN_LIKE = /\b\d(?:[ -]?\d){11,18}\b/g

/** Creates a logger writing to `write` (stdout by default) at or above `level`. */
export function createLogger(
  level: keyof typeof LEVELS,
  write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
): Logger {
  const emit = (at: keyof typeof LEVELS, msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[at] < LEVELS[level]) return
    write(JSON.stringify({ time: new Date().toISOString(), level: at, msg: scrub(msg), ...redact(fields) }))
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  }
}

/** Returns a copy of `fields` safe to log: sensitive keys masked, PAN-like digits removed. */
export function redact(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields)) {
    if (SENSITIVE_KEY.test(key)) out[key] = '[redacted]'
    else if (typeof value === 'string') out[key] = scrub(value)
    else if (value instanceof Error) out[key] = { name: value.name, message: scrub(value.message) }
    else if (value && typeof value === 'object' && !Array.isArray(value)) out[key] = redact(value as Record<string, unknown>)
    else out[key] = value
  }
  return out
}

function scrub(text: string): string {
  return text.replace(PAN_LIKE, '[redacted-number]')
}
