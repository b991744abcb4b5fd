import { ApiError } from '../api/client.ts'
import { t, type MessageKey } from '../i18n/i18n.ts'

const KNOWN: Partial<Record<string, MessageKey>> = {
  invalid_credentials: 'err_invalid_credentials',
  invalid_code: 'err_invalid_code',
  rate_limited: 'err_rate_limited',
  weak_password: 'err_weak_password',
  invalid_link: 'err_invalid_link',
  last_owner: 'err_last_owner',
  email_taken: 'err_email_taken',
  forbidden: 'err_forbidden',
  csrf_failed: 'err_generic',
  network_error: 'err_network',
  not_found: 'err_not_found',
  totp_enrolment_required: 'twofa_required',
  merchant_suspended: 'err_merchant_suspended',
  payload_too_large: 'err_payload_too_large',
  conflict: 'err_conflict',
}

/** The user-facing text of an error: translated for known codes, the server's message for validation. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    const key = KNOWN[error.code]
    if (key) return t(key)
    if (error.code === 'validation_failed') return `${t('err_validation')} ${error.message}`
  }
  return t('err_generic')
}
