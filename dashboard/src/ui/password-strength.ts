import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import * as common from '@zxcvbn-ts/language-common'

// The same dictionaries and graphs as server/dashboard/auth/password-policy.ts.
const estimator = new ZxcvbnFactory({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs })

/** zxcvbn's score (0–4) of a password, with the user's own words counted as known. */
export function passwordScore(password: string, context: string[]): number {
  return estimator.check(password.slice(0, 100), [...context, 'epay', 'dashboard']).score
}
