import type { ErrorCode } from '../../protocol/errors.ts'

/**
 * The one error type the domain throws; `code` is also the wire code, mapped to HTTP once in
 * server/http/error-response.ts.
 */
export class PaymentError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: { param?: string; declineCode?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: details.cause })
    this.name = 'PaymentError'
  }
}

/** Marks a branch that an exhaustive switch can never reach. */
export function assertNever(value: never, what: string): never {
  throw new PaymentError('provider_error', `unexpected ${what}: ${String(value)}`)
}
