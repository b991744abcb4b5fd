/**
 * The narrow SQL port every store uses, implemented by PGlite (embedded, default) and by
 * PostgreSQL (`DATABASE_URL`). One schema and one dialect serve both.
 */
export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>
  close(): Promise<void>
  readonly dialect: 'pglite' | 'postgres'
  /**
   * This open database's lease holder id: what in-flight claims (idempotency-keys) record, live
   * exactly as long as this process holds the database (see lease-holder.ts).
   */
  leaseHolder(): Promise<number>
  /**
   * Subscribes to NOTIFY on `channel` from every process on this database. `onGap` says
   * notifications may have been missed (no connection was listening for a while): the caller
   * must then distrust what it derived from them. Returns the unsubscribe function.
   * Hint: on PostgreSQL every pooled connection listens, so a change this process commits is
   * delivered before its own statement returns; on PGlite (one process) always so.
   */
  listen(channel: NotifyChannel, handlers: ChangeHandlers): () => void
}

/** The NOTIFY channels every connection listens on, so none of its notifications is missed. */
export const NOTIFY_CHANNELS = ['epay_project_changes'] as const
export type NotifyChannel = (typeof NOTIFY_CHANNELS)[number]

/** What a `listen` subscriber is told. */
export type ChangeHandlers = { onNotify(payload: string): void; onGap(): void }

/**
 * Reads an `int8` column as a number. Drivers differ (pg gives strings, PGlite may give
 * bigint), so money never passes through an unchecked conversion.
 */
export function toSafeInt(value: unknown, column: string): number {
  const n = typeof value === 'bigint' ? Number(value) : typeof value === 'string' ? Number(value) : value
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new Error(`column ${column} is not a safe integer`)
  return n
}

/** Reads a nullable text column as `string | undefined`. */
export function optional(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value)
}

/** Reads a nullable timestamptz column. */
export function optionalDate(value: unknown): Date | undefined {
  return value === null || value === undefined ? undefined : new Date(value as string | Date)
}

/** The SQLSTATE a unique violation carries in both drivers. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
}

/**
 * Runs `fn` in a transaction, again (up to `attempts` times) when PostgreSQL chose it as a
 * deadlock's victim (SQLSTATE 40P01): the victim's work was rolled back whole, so running it
 * again is the same as running it once. Only for `fn`s that touch nothing but the database.
 */
export async function transactionRetryingDeadlocks<T>(sql: Sql, fn: (tx: Sql) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sql.transaction(fn)
    } catch (error) {
      const deadlock = typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '40P01'
      if (!deadlock || attempt >= attempts) throw error
    }
  }
}
