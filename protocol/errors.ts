import * as v from 'valibot'

/**
 * Every error code EPay puts on the wire. Stable: merchants and the hosted page branch on them.
 * Hint: adding a code here does not compile until server/http/error-response.ts maps it.
 */
export const ERROR_CODES = [
  'validation_failed',
  'duplicate_parameter',
  'forbidden_character',
  'invalid_signature',
  'unknown_project',
  'invalid_amount',
  'invalid_currency',
  'payment_mismatch',
  'payment_expired',
  /** An invoice link its merchant cancelled (SPEC §14). */
  'invoice_cancelled',
  'return_url_not_allowed',
  'invalid_session',
  'session_expired',
  'payment_not_found',
  'payment_completed',
  'attempts_exhausted',
  'invalid_transition',
  'conflict',
  'idempotency_key_reused',
  'payment_exists',
  'limit_exceeded',
  'insufficient_balance',
  'token_not_found',
  'card_declined',
  'rate_limited',
  'payload_too_large',
  'not_found',
  'provider_not_connected',
  'method_unavailable',
  // The merchant dashboard (SPEC §14).
  'unauthenticated',
  'invalid_credentials',
  'invalid_code',
  'totp_enrolment_required',
  'forbidden',
  'csrf_failed',
  'weak_password',
  'invalid_link',
  'last_owner',
  'email_taken',
  'provider_error',
  'internal_error',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

export const ERROR_TYPES = ['invalid_request_error', 'authentication_error', 'card_error', 'api_error'] as const
export type ErrorType = (typeof ERROR_TYPES)[number]

/** The one JSON error envelope of EPay's own APIs (Stripe's shape). */
export const ErrorEnvelopeSchema = v.object({
  error: v.object({
    type: v.picklist(ERROR_TYPES),
    code: v.picklist(ERROR_CODES),
    message: v.string(),
    param: v.optional(v.string()),
    decline_code: v.optional(v.string()),
    request_id: v.string(),
  }),
})
export type ErrorEnvelope = v.InferOutput<typeof ErrorEnvelopeSchema>
