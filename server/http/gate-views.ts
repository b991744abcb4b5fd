import * as v from 'valibot'
import {
  OperationsPageSchema, PaymentStatusResponseSchema, PaymentCallbacksResponseSchema, type PaymentCallbacksResponse, type GateAccepted, type OperationsPage, type PaymentStatusResponse,
} from '../../protocol/schemas/gate-views.ts'
import type { RedirectData } from '../../protocol/schemas/page-api.ts'
import { callbackPayload, ecommpayDate } from '../domain/callback-payload.ts'
import type { Operation, Payment } from '../domain/payment.ts'
import { chargeOf } from '../domain/payment-totals.ts'
import type { CallbackState } from '../storage/outbox-store.ts'

/** The immediate answer to an accepted Gate request (SPEC §9); `request_id` is the operation's. */
export function toAccepted(payment: Payment, operation: Operation): GateAccepted {
  return { status: 'success', request_id: operation.requestId, project_id: payment.projectId, payment_id: payment.paymentId }
}

/**
 * `/v2/payment/status`: the payment with all its operations, in the callbacks' shape (each
 * piece is what callbackPayload builds), checked against the published schema.
 */
export function toStatusResponse(payment: Payment, operations: readonly Operation[], redirect: RedirectData | undefined, now: Date = payment.updatedAt): PaymentStatusResponse {
  const main = chargeOf(operations) ?? operations.at(-1)
  const payload = main ? callbackPayload(payment, main, now) : { payment: callbackPayload(payment, placeholder(payment), now).payment }
  const last = operations.at(-1)
  const failed = last && (last.status === 'decline' || last.status === 'error') ? callbackPayload(payment, last, now)['errors'] : undefined
  return v.parse(PaymentStatusResponseSchema, {
    status: 'success',
    project_id: payment.projectId,
    payment: payload['payment'],
    operations: operations.map((op) => callbackPayload(payment, op, now)['operation']),
    ...pick(payload, 'account', 'customer'),
    ...(failed ? { errors: failed } : {}),
    ...(redirect ? { redirect_data: redirect } : {}),
  })
}

/** One page of `/v2/operations/get`. */
export function toOperationsPage(items: ReadonlyArray<{ payment: Payment; operation: Operation }>, nextCursor: string | undefined, now?: Date): OperationsPage {
  return v.parse(OperationsPageSchema, {
    status: 'success',
    operations: items.map(({ payment, operation }) => {
      const body = callbackPayload(payment, operation, now)
      return { payment: body['payment'], operation: body['operation'], ...pick(body, 'account', 'customer') }
    }),
    ...(nextCursor ? { next_cursor: nextCursor } : {}),
  })
}

function pick(body: Record<string, unknown>, ...keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]))
}

// A payment opened on the page but never tried has no operation; its payment part is still shown.
function placeholder(payment: Payment): Operation {
  return {
    id: 1, paymentRowId: payment.id, type: payment.operationType, status: 'processing', amount: payment.amount, currency: payment.currency,
    requestId: '', provider: { id: '', paymentId: undefined, authCode: undefined }, code: undefined, message: undefined,
    method: payment.forceMethod ?? 'card', cardMask: undefined, cardBrand: undefined, accountToken: undefined, redirect: undefined,
    returnedAt: undefined, createdAt: payment.createdAt, updatedAt: payment.updatedAt,
  }
}

/** The delivery state of a payment's callbacks (SPEC §8): tried, answered, due next. */
export function toCallbacksResponse(payment: Payment, callbacks: readonly CallbackState[]): PaymentCallbacksResponse {
  return v.parse(PaymentCallbacksResponseSchema, {
    status: 'success',
    project_id: payment.projectId,
    payment_id: payment.paymentId,
    callbacks: callbacks.map((cb) => ({
      event_id: cb.id,
      operation_id: cb.operationId,
      status: cb.status,
      attempts: cb.attempts,
      ...(cb.lastStatus !== undefined ? { last_http_status: cb.lastStatus } : {}),
      ...(cb.lastError ? { last_error: cb.lastError } : {}),
      ...(cb.status === 'pending' ? { next_attempt_at: ecommpayDate(cb.nextAttemptAt) } : {}),
    })),
  })
}
