import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE } from '../../../protocol/schemas/dashboard/common.ts'
import { PaymentError } from '../../domain/errors.ts'

const estimator = new ZxcvbnFactory({
  dictionary: { ...common.dictionary },
  graphs: common.adjacencyGraphs,
})

/** zxcvbn-ts's common-password list (~49 000 entries from breach corpora), lower-cased. */
const COMMON = new Set<string>((common.dictionary['passwords-common'] as readonly string[]).map((p) => p.toLowerCase()))

/**
 * Refuses a new password that is short, common, or guessable (zxcvbn score under 3), with the
 * account's own email and EPay's name counted as known words. The dashboard's meter runs the
 * same estimator, so what it calls strong enough is accepted here.
 */
export function assertAcceptablePassword(password: string, context: { email: string }): void {
  if (password.length < MIN_PASSWORD_LENGTH || password.length > MAX_PASSWORD_LENGTH) {
    throw new PaymentError('weak_password', `the password must be ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters`, { param: 'password' })
  }
  if (COMMON.has(password.toLowerCase())) {
    throw new PaymentError('weak_password', 'this password is in a list of common passwords; choose another', { param: 'password' })
  }
  // zxcvbn's cost grows with length; the first 100 characters decide the score well enough.
  const result = estimator.check(password.slice(0, 100), [context.email, ...context.email.split(/[@.]/), 'epay', 'dashboard'])
  if (result.score < MIN_PASSWORD_SCORE) {
    throw new PaymentError('weak_password', 'this password is too easy to guess; make it longer or less predictable', { param: 'password' })
  }
}
