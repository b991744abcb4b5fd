import type { ErrorCode } from '../../protocol/errors.ts'
import type { GateError } from '../../protocol/schemas/gate-views.ts'

/** Builds the Gate API's error body (SPEC §12): ECommPay's shape, never the request's input. */
export function gateError(code: ErrorCode, message: string, requestId: string, param?: string): GateError {
  return { status: 'error', code, message, ...(param ? { param } : {}), request_id: requestId }
}
