import type { Operation, Payment } from './payment.ts'

/**
 * Builds the body of a merchant callback in ECommPay's format (SPEC §8), without `signature`:
 * the dispatcher signs it at send time with the project's current secret.
 * Hint: no `null` values and no optional keys set to undefined — some official SDKs crash on them.
 */
export function callbackPayload(payment: Payment, operation: Operation): Record<string, unknown> {
  const body: Record<string, unknown> = {
    project_id: payment.projectId,
    payment: compact({
      id: payment.paymentId,
      type: payment.type,
      status: payment.status,
      date: ecommpayDate(payment.updatedAt),
      method: operation.method,
      sum: { amount: payment.amount, currency: payment.currency },
      description: payment.description,
      // Test and live never mix: a number, not a boolean or null, so every SDK signs and reads it alike.
      is_test: payment.test ? 1 : undefined,
    }),
    operation: compact({
      id: operation.id,
      type: operation.type,
      status: operation.status,
      date: ecommpayDate(operation.updatedAt),
      created_date: ecommpayDate(operation.createdAt),
      request_id: operation.requestId,
      sum_initial: { amount: operation.amount, currency: operation.currency },
      sum_converted: { amount: operation.amount, currency: operation.currency },
      provider: compact({
        id: operation.provider.id,
        payment_id: operation.provider.paymentId,
        auth_code: operation.provider.authCode,
      }),
      code: operation.code,
      message: operation.message,
    }),
  }
  if (operation.cardMask || operation.accountToken) {
    body['account'] = compact({ number: operation.cardMask, type: operation.cardBrand ?? (operation.method === 'card' ? undefined : operation.method), token: operation.accountToken })
  }
  if (payment.customerId) body['customer'] = { id: payment.customerId }
  if (operation.status === 'decline' || operation.status === 'error') {
    body['errors'] = [compact({ code: operation.code, message: operation.message })]
  }
  return body
}

/** ECommPay's date format: `2019-04-15T16:31:44+0000`, always UTC. */
export function ecommpayDate(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, '+0000')
}

function compact<T extends Record<string, unknown>>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== null)) as T
}
