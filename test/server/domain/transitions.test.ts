import { describe, expect, it } from 'vitest'
import { PAYMENT_STATUSES } from '../../../protocol/schemas/statuses.ts'
import { PaymentError } from '../../../server/domain/errors.ts'
import type { Payment } from '../../../server/domain/payment.ts'
import { transition, type PaymentEvent } from '../../../server/domain/transitions.ts'

const EVENTS: PaymentEvent[] = ['pay', 'require_3ds', 'require_redirect', 'authorise', 'succeed', 'decline', 'fail', 'capture', 'cancel', 'refund_partial', 'refund_full', 'expire']
const NOW = new Date('2030-01-01T00:00:00Z')

// SPEC §6, written out by hand (never read from TRANSITIONS, so a wrong edge in the code fails):
// one-stage new → processing → (3DS / redirect) → success | decline; two-stage → awaiting
// capture → capture → success, or cancel (void) → cancelled; refunds → partially refunded /
// refunded; a declined attempt may be retried (pay); best_before expires an unpaid payment;
// an attempt that fails in EPay or at the provider is `error`. Every pair not listed is refused.
const SPEC_EDGES: Record<string, Partial<Record<PaymentEvent, string>>> = {
  'new': { pay: 'processing', expire: 'expired' },
  'processing': {
    require_3ds: 'awaiting 3ds result', require_redirect: 'awaiting redirect result', authorise: 'awaiting capture',
    succeed: 'success', decline: 'decline', fail: 'error',
  },
  'awaiting 3ds result': { authorise: 'awaiting capture', succeed: 'success', decline: 'decline', fail: 'error' },
  'awaiting redirect result': { authorise: 'awaiting capture', succeed: 'success', decline: 'decline', fail: 'error' },
  'awaiting capture': { capture: 'success', cancel: 'cancelled' },
  'success': { refund_partial: 'partially refunded', refund_full: 'refunded' },
  'partially refunded': { refund_partial: 'partially refunded', refund_full: 'refunded' },
  'decline': { pay: 'processing', expire: 'expired' },
  'cancelled': {},
  'refunded': {},
  'expired': {},
  'error': {},
}

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
  it('the spec names every status', () => {
    expect(Object.keys(SPEC_EDGES).sort()).toEqual([...PAYMENT_STATUSES].sort())
  })

  it.each(pairs)('%s + %s follows the spec and nothing else', (status, event) => {
    const expected = SPEC_EDGES[status]?.[event]
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
    for (const status of ['cancelled', 'refunded', 'expired', 'error'] as const) {
      for (const event of EVENTS) expect(() => transition(aPayment(status), event, NOW)).toThrow(PaymentError)
    }
  })
})
