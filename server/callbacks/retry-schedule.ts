const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** Delays after the 1st, 2nd, … failed attempt (SPEC §8); then every 8 h up to 3 days. */
export const RETRY_DELAYS_MS = [
  10 * SECOND, 20 * SECOND, 30 * SECOND, 2 * MINUTE, 5 * MINUTE, 10 * MINUTE, 15 * MINUTE, 30 * MINUTE,
  1 * HOUR, 2 * HOUR, 4 * HOUR, 8 * HOUR,
] as const
export const RETRY_EVERY_MS = 8 * HOUR
export const GIVE_UP_AFTER_MS = 72 * HOUR

/**
 * When to try a callback again after `attempts` failed tries, or undefined once the three
 * days since the event was created have passed and it is marked failed for good.
 */
export function nextAttemptAt(createdAt: Date, attempts: number, failedAt: Date): Date | undefined {
  const delay = RETRY_DELAYS_MS[attempts - 1] ?? RETRY_EVERY_MS
  const next = failedAt.getTime() + delay
  return next > createdAt.getTime() + GIVE_UP_AFTER_MS ? undefined : new Date(next)
}
