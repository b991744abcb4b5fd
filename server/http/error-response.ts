import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { ErrorCode, ErrorEnvelope, ErrorType } from '../../protocol/errors.ts'

/** HTTP status and error type of every wire code; a code missing here does not compile. */
export const HTTP = {
  validation_failed: [400, 'invalid_request_error'],
  duplicate_parameter: [400, 'invalid_request_error'],
  forbidden_character: [400, 'invalid_request_error'],
  invalid_signature: [403, 'authentication_error'],
  unknown_project: [403, 'authentication_error'],
  invalid_amount: [400, 'invalid_request_error'],
  invalid_currency: [400, 'invalid_request_error'],
  payment_mismatch: [400, 'invalid_request_error'],
  payment_expired: [400, 'invalid_request_error'],
  invoice_cancelled: [410, 'invalid_request_error'],
  return_url_not_allowed: [400, 'invalid_request_error'],
  invalid_session: [401, 'authentication_error'],
  session_expired: [401, 'authentication_error'],
  payment_not_found: [404, 'invalid_request_error'],
  payment_completed: [409, 'invalid_request_error'],
  attempts_exhausted: [409, 'invalid_request_error'],
  invalid_transition: [409, 'invalid_request_error'],
  conflict: [409, 'invalid_request_error'],
  idempotency_key_reused: [409, 'invalid_request_error'],
  payment_exists: [409, 'invalid_request_error'],
  limit_exceeded: [400, 'invalid_request_error'],
  insufficient_balance: [402, 'invalid_request_error'],
  token_not_found: [404, 'invalid_request_error'],
  card_declined: [402, 'card_error'],
  rate_limited: [429, 'invalid_request_error'],
  payload_too_large: [413, 'invalid_request_error'],
  not_found: [404, 'invalid_request_error'],
  // A live project with no real provider for the method: an operator's setting, not the request's fault.
  provider_not_connected: [403, 'invalid_request_error'],
  method_unavailable: [400, 'invalid_request_error'],
  unauthenticated: [401, 'authentication_error'],
  invalid_credentials: [401, 'authentication_error'],
  invalid_code: [401, 'authentication_error'],
  totp_enrolment_required: [403, 'authentication_error'],
  forbidden: [403, 'invalid_request_error'],
  csrf_failed: [403, 'invalid_request_error'],
  weak_password: [400, 'invalid_request_error'],
  invalid_link: [400, 'invalid_request_error'],
  last_owner: [409, 'invalid_request_error'],
  email_taken: [409, 'invalid_request_error'],
  provider_error: [502, 'api_error'],
  internal_error: [500, 'api_error'],
} as const satisfies Record<ErrorCode, readonly [ContentfulStatusCode, ErrorType]>

/** Builds the one JSON error envelope (SPEC §12); never carries the request's input back. */
export function errorEnvelope(code: ErrorCode, message: string, requestId: string, param?: string): ErrorEnvelope {
  const [, type] = HTTP[code]
  return { error: { type, code, message, ...(param ? { param } : {}), request_id: requestId } }
}
