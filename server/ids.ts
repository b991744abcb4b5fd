import { randomInt } from 'node:crypto'
import type { Clock, Ids } from './domain/ports.ts'
import { randomPoolBytes } from './random-pool.ts'

const token = (bytes: number) => randomPoolBytes(bytes).toString('base64url')

/** Random ids from the CSPRNG: unguessable, so an id alone never grants access to anything. */
export const randomIds: Ids = {
  payment: () => `pay_${token(12)}`,
  // 2^48 − 1 stays a safe integer in every JSON parser the official SDKs use.
  operation: () => randomInt(1, 2 ** 48 - 1),
  request: () => token(12),
  event: () => `evt_${token(12)}`,
  session: () => token(12),
}

/** The wall clock. */
export const systemClock: Clock = { now: () => new Date() }
