/**
 * Why the form is shown again: a pay call that did not reach a result, or Try again after a
 * decline (`code` is the declined attempt's, for the one line about it).
 */
export type FormNotice = { reason: 'network' | 'rate_limited' | 'invalid' | 'declined'; param?: string; code?: string }

/** What the error screen says: a bad link, no server, a closed payment, or anything else. */
export type ErrorReason = 'session' | 'network' | 'closed' | 'unknown'

/** The one screen the page shows; components render from this alone. */
export type ViewState =
  | { kind: 'loading' }
  | { kind: 'form'; notice?: FormNotice }
  | { kind: 'processing'; connectionLost: boolean }
  /** On the way to the ACS or wallet page; `auto` false: the shopper came back by history and presses Continue. */
  | { kind: 'redirecting'; auto: boolean }
  | { kind: 'success' }
  | { kind: 'decline'; attemptsLeft: number }
  | { kind: 'expired' }
  | { kind: 'error'; reason: ErrorReason }

/** The outcome of the last saved-card deletion, announced next to the list. */
export type CardNotice = { kind: 'deleted' | 'delete_failed'; card: string }
