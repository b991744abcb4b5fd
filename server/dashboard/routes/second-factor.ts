import * as v from 'valibot'
import type { SecondFactorBodySchema } from '../../../protocol/schemas/dashboard/auth.ts'
import type { DashboardUser } from '../access/dashboard-user.ts'
import { normaliseRecoveryCode, sha256 } from '../auth/secrets.ts'
import { matchTotp } from '../auth/totp.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'

/** Seals a TOTP secret for storage (`kid:sealed`), bound to its user. */
export function sealTotp(deps: DashboardDeps, userId: string, secret: string): string {
  const { sealed, keyId } = deps.vault.seal(secret, `totp:${userId}`)
  return `${keyId}:${sealed}`
}

/** Opens a stored TOTP secret. */
export function openTotp(deps: DashboardDeps, userId: string, stored: string): string {
  const at = stored.indexOf(':')
  return deps.vault.open(stored.slice(at + 1), stored.slice(0, at), `totp:${userId}`)
}

/**
 * Checks a TOTP code (each time step once) or spends a recovery code; returns which one
 * worked, or undefined.
 */
export async function checkSecondFactor(
  deps: DashboardDeps,
  user: DashboardUser,
  body: v.InferOutput<typeof SecondFactorBodySchema>,
  now: Date,
): Promise<'totp' | 'recovery_code' | undefined> {
  if (!user.totpEnabled || !user.totpSecret) return undefined
  if ('code' in body) {
    const step = matchTotp(openTotp(deps, user.id, user.totpSecret), body.code, now, user.totpLastStep)
    return step !== undefined && (await deps.users.takeTotpStep(user.id, step)) ? 'totp' : undefined
  }
  return (await deps.users.useRecoveryCode(user.id, sha256(normaliseRecoveryCode(body.recovery_code)), now)) ? 'recovery_code' : undefined
}
