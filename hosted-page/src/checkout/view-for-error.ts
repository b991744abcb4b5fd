import { ApiError, NetworkError } from '../api/client.ts'
import type { ViewState } from './view-state.ts'

/** When a call failed: loading the session, paying, or reading the status. */
export type CallPhase = 'load' | 'pay' | 'poll'

/**
 * The screen for a failed call, and whether the outcome is unknown so that only the status can
 * tell (the caller then polls).
 * Hint: a failed pay call is never shown as a decline: with no answer, or a conflict or a
 * server fault, the payment may have gone through, so the status decides.
 */
export function viewForError(error: unknown, phase: CallPhase): { view: ViewState; poll: boolean } {
  if (error instanceof NetworkError) {
    return phase === 'load'
      ? { view: { kind: 'error', reason: 'network' }, poll: false }
      : { view: { kind: 'processing', connectionLost: true }, poll: phase === 'pay' }
  }
  const apiError = error instanceof ApiError ? error : null
  switch (apiError?.code) {
    case 'session_expired':
    case 'payment_expired':
      return { view: { kind: 'expired' }, poll: false }
    case 'invalid_session':
    case 'payment_not_found':
    case 'not_found':
      return { view: { kind: 'error', reason: 'session' }, poll: false }
    case 'rate_limited':
      if (phase === 'pay') return { view: { kind: 'form', notice: { reason: 'rate_limited' } }, poll: false }
      break
    case 'validation_failed':
      if (phase === 'pay') {
        const notice = { reason: 'invalid' as const, ...(apiError.param ? { param: apiError.param } : {}) }
        return { view: { kind: 'form', notice }, poll: false }
      }
      break
  }
  if (phase !== 'pay') return { view: { kind: 'error', reason: 'unknown' }, poll: false }
  // conflict (another attempt in flight), payment_completed, attempts_exhausted, a server
  // fault…: the result is whatever the status says, so go and read it.
  return { view: { kind: 'processing', connectionLost: false }, poll: true }
}
