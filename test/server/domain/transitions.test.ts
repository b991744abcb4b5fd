import { describe, expect, it } from 'vitest'
import { PAYMENT_STATUSES } from '../../../protocol/schemas/statuses.ts'
import { PaymentError } from '../../../server/domain/errors.ts'
import type { Payment } from '../../../server/domain/payment.ts'
import { TRANSITIONS, transition, type PaymentEvent } from '../../../server/domain/transitions.ts'

const EVENTS: PaymentEvent[] = ['pay', 'require_3ds', 'require_redirect', 'authorise', 'succeed', 'decline', 'fail', 'capture', 'cancel', 'refund_partial', 'refund_full', 'expire']
const NOW = new Date('2030-01-01T00:00:00Z')

function aPayment(status: Payment['status']): Payment {
  return {
    id: 'pay_1', projectId: 1, paymentId: 'o1', type: 'purchase', operationType: 'sale', amount: 100, currency: 'EUR',
    description: undefined, customerId: undefined, languageCode: undefined, status, attempts: 0, maxAttempts: 3,
    bestBefore: undefined, callbackUrl: undefined, successUrl: undefined, failUrl: undefined, returnUrl: undefined,
    params: {}, saveCard: 'never', forceMethod: undefined, theme: undefined, returnMode: undefined, test: true, channel: 'page', version: 0, createdAt: NOW, updatedAt: NOW,
  }
}

describe('transition', () => {
  const pairs = PAYMENT_STATUSES.flatMap((status) => EVENTS.map((event) => [status, event] as const))
  it.each(pairs)('%s + %s follows the table and nothing else', (status, event) => {
    const row: Partial<Record<PaymentEvent, string>> = TRANSITIONS[status]
    const expected = row[event]
    if (expected) {
      expect(transition(aPayment(status), event, NOW).status).toBe(expected)
    } else {
      expect(() => transition(aPayment(status), event, NOW)).toThrow(PaymentError)
    }
  })

  it('counts an attempt on pay only', () => {
    expect(transition(aPayment('new'), 'pay', NOW).attempts).toBe(1)
    expect(transition(aPayment('processing'), 'succeed', NOW).attempts).toBe(0)
  })

  it('never leaves a final status', () => {
    for (const status of ['cancelled', 'refunded', 'expired', 'error'] as const) expect(TRANSITIONS[status]).toEqual({})
  })
})
