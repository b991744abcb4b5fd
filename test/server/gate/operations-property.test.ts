import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PaymentStatus } from '../../../protocol/schemas/statuses.ts'
import { TRANSITIONS, nextStatus, type PaymentEvent } from '../../../server/domain/transitions.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { card, expectLedgerBalanced, gate, gateTestApp, general, orderId } from '../../fixtures/gate.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

/** An amount: none (everything left), a fixed one, or one near what is left, where bugs hide. */
type AmountSpec = undefined | { fixed: number } | { near: number }

type Action =
  | { type: 'capture'; amount: AmountSpec }
  | { type: 'cancel' }
  | { type: 'refund'; amount: AmountSpec; path: 'card/refund' | 'refund' }
  | { type: 'payout'; amount: number }
  | { type: 'replay' }

const amount: fc.Arbitrary<AmountSpec> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.record({ fixed: fc.integer({ min: 1, max: 12_000 }) }), weight: 1 },
  { arbitrary: fc.record({ near: fc.integer({ min: -1, max: 1 }) }), weight: 2 },
)
const resolve = (spec: AmountSpec, left: number): number | undefined =>
  spec === undefined ? undefined : 'fixed' in spec ? spec.fixed : Math.max(1, left + spec.near)
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ type: fc.constant('capture' as const), amount }),
  fc.record({ type: fc.constant('cancel' as const) }),
  fc.record({ type: fc.constant('refund' as const), amount, path: fc.constantFrom('card/refund' as const, 'refund' as const) }),
  fc.record({ type: fc.constant('payout' as const), amount: fc.oneof(fc.integer({ min: 100, max: 20_000 }), fc.constantFrom(20_400, 40_000, 40_400)) }),
  fc.record({ type: fc.constant('replay' as const) }),
)

/** What the model expects of one request: an accepted result, or an error code. */
type Expected = { ok: true } | { ok: false; code: string }

/**
 * An independent model of one payment and the project balance: the rules of SPEC §6 written
 * plainly, to compare with what the server does.
 */
class Model {
  captured = 0
  refunded = 0
  constructor(public status: PaymentStatus, public authorised: number, public balance: number) {}

  capture(requested: number | undefined): Expected {
    if (this.status !== 'awaiting capture') return { ok: false, code: 'invalid_transition' }
    const amount = requested ?? this.authorised
    if (amount > this.authorised) return { ok: false, code: 'invalid_amount' }
    ;[this.captured, this.balance, this.status] = [amount, this.balance + amount, 'success']
    return { ok: true }
  }

  cancel(): Expected {
    if (this.status === 'awaiting capture') {
      this.status = 'cancelled'
      return { ok: true }
    }
    return this.refund(undefined)
  }

  refund(requested: number | undefined): Expected {
    if (this.status !== 'success' && this.status !== 'partially refunded') return { ok: false, code: 'invalid_transition' }
    const left = this.captured - this.refunded
    const amount = requested ?? left
    if (amount > left) return { ok: false, code: 'invalid_amount' }
    this.refunded += amount
    this.balance -= amount
    this.status = this.refunded === this.captured ? 'refunded' : 'partially refunded'
    return { ok: true }
  }

  /** A payout is its own payment; it only moves the balance. Returns whether it was paid. */
  payout(amount: number): 'paid' | 'declined' | 'insufficient' {
    if (this.balance < amount) return 'insufficient'
    if (amount === 40_000 || amount === 40_400) return 'declined'
    this.balance -= amount
    return 'paid'
  }
}

describe('the transition table', () => {
  const statuses = Object.keys(TRANSITIONS) as PaymentStatus[]
  const events: PaymentEvent[] = ['pay', 'require_3ds', 'require_redirect', 'authorise', 'succeed', 'decline', 'fail', 'capture', 'cancel', 'refund_partial', 'refund_full', 'expire']

  it('never leaves a final status, and never returns to new', () => {
    fc.assert(fc.property(fc.array(fc.constantFrom(...events), { maxLength: 30 }), (sequence) => {
      let status: PaymentStatus = 'new'
      for (const event of sequence) {
        const next = nextStatus(status, event)
        if (!next) continue
        if (['cancelled', 'refunded', 'expired', 'error'].includes(status)) throw new Error(`${status} is final but ${event} leads on`)
        expect(next).not.toBe('new')
        status = next
      }
      expect(statuses).toContain(status)
    }))
  })
})

describe('random sequences of Gate operations (property)', () => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  beforeAll(async () => {
    sql = await memoryDatabase()
    t = await gateTestApp(sql)
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  const balance = async () => Number((await gate(t.app, '/v2/balance', { general: general(), currency: 'EUR' })).body['balance'])
  const observed = async (paymentId: string) => {
    const body = (await gate(t.app, '/v2/payment/status', { general: general(paymentId) })).body as {
      payment: { status: PaymentStatus }
      operations: Array<{ type: string; status: string; sum_initial: { amount: number } }>
    }
    const sum = (type: string) => body.operations.filter((o) => o.type === type && o.status === 'success').reduce((s, o) => s + o.sum_initial.amount, 0)
    return { status: body.payment.status, authorised: sum('auth') + sum('sale'), captured: sum('capture') + sum('sale'), refunded: sum('refund') }
  }

  it('keeps Σcaptured ≤ authorised, Σrefunded ≤ captured and the balance as the model says', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('sale' as const, 'auth' as const), fc.integer({ min: 100, max: 10_000 }), fc.array(action, { maxLength: 10 }), async (kind, authorised, actions) => {
        const paymentId = orderId('prop')
        const opened = await gate(t.app, `/v2/payment/card/${kind}`, { general: general(paymentId), payment: { amount: authorised, currency: 'EUR' }, card: card() })
        expect(opened.status).toBe(200)
        const model = new Model(kind === 'sale' ? 'success' : 'awaiting capture', authorised, await balance())
        if (kind === 'sale') model.captured = authorised
        let last: { path: string; body: Record<string, unknown>; key: string; answer: unknown } | undefined
        for (const [step, a] of actions.entries()) {
          const before = model.status
          const key = `${paymentId}-${step}`
          let path: string
          let body: Record<string, unknown>
          let expected: Expected
          if (a.type === 'replay') {
            if (!last) continue
            const again = await gate(t.app, last.path, last.body as never, { key: last.key })
            expect(again.body).toEqual(last.answer)
            continue
          } else if (a.type === 'payout') {
            path = '/v2/payment/wallet/jeton/payout'
            body = { general: general(`${paymentId}-po${step}`), payment: { amount: a.amount, currency: 'EUR' }, account: { number: 'JT1' } }
            const outcome = model.payout(a.amount)
            const answer = await gate(t.app, path, body as never, { key })
            expect(answer.status).toBe(200)
            const payout = (await gate(t.app, '/v2/payment/status', { general: general(`${paymentId}-po${step}`) })).body as { payment: { status: string }; operations: Array<{ code?: string }> }
            expect(payout.payment.status).toBe(outcome === 'paid' ? 'success' : 'decline')
            if (outcome === 'insufficient') expect(payout.operations[0]?.code).toBe('3028')
            last = { path, body, key, answer: answer.body }
          } else {
            const requested = a.type === 'cancel' ? undefined : resolve(a.amount, a.type === 'capture' ? model.authorised : model.captured - model.refunded)
            const payment = requested === undefined ? {} : { payment: { amount: requested } }
            if (a.type === 'capture') [path, body, expected] = ['/v2/payment/card/capture', { general: general(paymentId), ...payment }, model.capture(requested)]
            else if (a.type === 'cancel') [path, body, expected] = ['/v2/payment/card/cancel', { general: general(paymentId) }, model.cancel()]
            else [path, body, expected] = [`/v2/payment/${a.path}`, { general: general(paymentId), ...payment }, model.refund(requested)]
            const answer = await gate(t.app, path, body as never, { key })
            if (expected.ok) expect(answer.status).toBe(200)
            else expect(answer.body['code']).toBe(expected.code)
            last = { path, body, key, answer: answer.body }
          }
          const seen = await observed(paymentId)
          expect(seen).toEqual({ status: model.status, authorised: model.authorised, captured: model.captured, refunded: model.refunded })
          expect(seen.captured).toBeLessThanOrEqual(seen.authorised)
          expect(seen.refunded).toBeLessThanOrEqual(seen.captured)
          // Every status change is one edge of the transition table.
          if (seen.status !== before) {
            const row: Partial<Record<PaymentEvent, PaymentStatus>> = TRANSITIONS[before]
            expect(Object.values(row)).toContain(seen.status)
          }
          expect(await balance()).toBe(model.balance)
        }
      }),
      { numRuns: 60 },
    )
    await expectLedgerBalanced(sql)
  }, 120_000)
})
