import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PaymentChange } from '../../../server/domain/ports.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { card, gate, gateTestApp, general, orderId, signGate } from '../../fixtures/gate.ts'

// Issue 9: a retry after a crash never moves money twice and gets the first answer. A crash is
// played in process: the run's answer is lost after its effect committed (the key is left as a
// dead process leaves it), or the run dies between two of its writes.
describe.each(testDatabases())('Gate retries after a crash on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  const clock = fixedClockTicking()
  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql, { clock })
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  const post = (path: string, body: Record<string, unknown>, key?: string) => gate(t.app, `/v2/payment/${path}`, body as never, key ? { key } : {})
  const sale = (paymentId: string, operation: 'sale' | 'auth' = 'sale', key?: string) =>
    post(`card/${operation}`, { general: general(paymentId), payment: { amount: 5000, currency: 'EUR' }, card: card() }, key)
  const refund = (paymentId: string, amount: number, key?: string) => post('card/refund', { general: general(paymentId), payment: { amount, currency: 'EUR' } }, key)
  const ops = (paymentId: string, type: string) =>
    sql.query<{ status: string; amount: unknown; request_id: string }>(
      `SELECT o.status, o.amount, o.request_id FROM operations o JOIN payments p ON p.id = o.payment_row_id
        WHERE p.payment_id = $1 AND o.type = $2 ORDER BY o.created_at`, [paymentId, type])
  const paymentStatus = async (paymentId: string) => (await sql.query<{ status: string }>('SELECT status FROM payments WHERE payment_id = $1', [paymentId]))[0]?.status
  /**
   * Leaves `key` as a process SIGKILLed after its effect committed leaves it (no answer stored),
   * and lets the merchant retry after the 5-minute lease, as docs/api.md told them to.
   */
  const loseAnswer = async (key: string) => {
    await sql.query(`UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, response_body = NULL WHERE key = $1`, [key])
    clock.advance(5 * 60_000 + 1_000)
  }
  /** The same, with the holder's process gone: no waiting at all. */
  const loseAnswerAndHolder = (key: string) =>
    sql.query(`UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, response_body = NULL, holder = 7 WHERE key = $1`, [key])
  /** Makes the next PaymentChange matching `when` fail after nothing of it was written, as a crash would. */
  const crashOn = (when: (change: PaymentChange) => boolean) => {
    const apply = t.deps.payments.apply
    t.deps.payments.apply = async (change) => {
      if (!when(change)) return apply(change)
      t.deps.payments.apply = apply
      throw new Error('simulated crash')
    }
  }

  it('runs a lost partial refund once: the retry with its key answers the first run', async () => {
    const id = orderId('rf')
    expect((await sale(id)).status).toBe(200)
    const first = await refund(id, 1000, `rf-${id}`)
    expect(first.status).toBe(200)
    await loseAnswer(`rf-${id}`)
    const retry = await refund(id, 1000, `rf-${id}`)
    expect(retry.status).toBe(200)
    expect(retry.body['request_id']).toBe(first.body['request_id'])
    expect((await ops(id, 'refund')).map((o) => Number(o.amount))).toEqual([1000])
    expect(await paymentStatus(id)).toBe('partially refunded')
  })

  it('never runs a refund again when its run failed after the refund was claimed', async () => {
    const id = orderId('rf5')
    expect((await sale(id)).status).toBe(200)
    // The claim commits; the run then fails before its answer (the settle of the provider's answer).
    let claims = 0
    crashOn((change) => change.updateOperation?.type === 'refund' && ++claims === 1)
    const first = await refund(id, 700, `rf5-${id}`)
    expect(first.status).toBe(500)
    const retry = await refund(id, 700, `rf5-${id}`)
    expect(retry.status).toBe(200)
    expect((await ops(id, 'refund')).length).toBe(1)
    expect(retry.body['request_id']).toBe((await ops(id, 'refund'))[0]!.request_id)
  })

  it('answers a capture that happened with its success, not invalid_transition', async () => {
    const id = orderId('cap')
    expect((await sale(id, 'auth')).status).toBe(200)
    const first = await post('card/capture', { general: general(id) }, `cap-${id}`)
    expect(first.status).toBe(200)
    await loseAnswer(`cap-${id}`)
    const retry = await post('card/capture', { general: general(id) }, `cap-${id}`)
    expect(retry.status).toBe(200)
    expect(retry.body['request_id']).toBe(first.body['request_id'])
    expect((await ops(id, 'capture')).length).toBe(1)
  })

  it('answers a cancel that happened with its first answer: the void, and the refund a cancel of a sale makes', async () => {
    for (const [operation, effect] of [['auth', 'cancel'], ['sale', 'refund']] as const) {
      const id = orderId(`cx-${operation}`)
      expect((await sale(id, operation)).status).toBe(200)
      const first = await post('card/cancel', { general: general(id) }, `cx-${id}`)
      expect(first.status).toBe(200)
      await loseAnswer(`cx-${id}`)
      const retry = await post('card/cancel', { general: general(id) }, `cx-${id}`)
      expect(retry.status).toBe(200)
      expect(retry.body['request_id']).toBe(first.body['request_id'])
      expect((await ops(id, effect)).map((o) => o.request_id)).toEqual([first.body['request_id']])
    }
  })

  it('answers a retried sale, auth and payout with their first answer, not payment_exists', async () => {
    for (const operation of ['sale', 'auth'] as const) {
      const id = orderId(operation)
      const first = await sale(id, operation, `${operation}-${id}`)
      expect(first.status).toBe(200)
      await loseAnswer(`${operation}-${id}`)
      const retry = await sale(id, operation, `${operation}-${id}`)
      expect(retry.status).toBe(200)
      expect(retry.body['request_id']).toBe(first.body['request_id'])
      expect((await ops(id, operation)).length).toBe(1)
    }
    const id = orderId('po')
    const payout = { general: general(id), payment: { amount: 300, currency: 'EUR' }, account: { number: 'JT0000012345' } }
    const first = await post('wallet/jeton/payout', payout, `po-${id}`)
    expect(first.status).toBe(200)
    await loseAnswer(`po-${id}`)
    const retry = await post('wallet/jeton/payout', payout, `po-${id}`)
    expect(retry.body['request_id']).toBe(first.body['request_id'])
    expect((await ops(id, 'payout')).length).toBe(1)
  })

  it('answers a retried recurring charge with its first answer: the saved card is charged once', async () => {
    const saved = await gate(t.app, '/v2/token/card/create', { general: general(), customer: { id: 'cust-rec' }, card: { pan: '5555555555554444', year: 2032, month: 4, card_holder: 'JOHN ROE' } })
    expect(saved.status).toBe(200)
    const id = orderId('rec')
    const body = { general: general(id), payment: { amount: 900, currency: 'EUR' }, customer: { id: 'cust-rec' }, account_token: String(saved.body['token']) }
    const first = await post('card/recurring', body, `rec-${id}`)
    expect(first.status).toBe(200)
    await loseAnswer(`rec-${id}`)
    const retry = await post('card/recurring', body, `rec-${id}`)
    expect(retry.status).toBe(200)
    expect(retry.body['request_id']).toBe(first.body['request_id'])
    expect((await ops(id, 'recurring')).map((o) => o.request_id)).toEqual([first.body['request_id']])
  })

  it('takes over a key whose holder died at once, but not one a live holder runs', async () => {
    const id = orderId('live')
    expect((await sale(id)).status).toBe(200)
    await refund(id, 100, `live-${id}`)
    // Our own process holds it: still running, whatever the time.
    await sql.query(`UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, holder = $2 WHERE key = $1`, [`live-${id}`, await sql.leaseHolder()])
    expect((await refund(id, 100, `live-${id}`)).body['code']).toBe('conflict')
    await loseAnswerAndHolder(`live-${id}`)
    expect((await refund(id, 100, `live-${id}`)).status).toBe(200)
    expect((await ops(id, 'refund')).length).toBe(1)
  })

  it('resumes a sale and a payout whose run died between creating the payment and starting it', async () => {
    const id = orderId('res')
    crashOn((change) => change.insertOperation?.type === 'sale' && change.payment.paymentId === id)
    expect((await sale(id, 'sale', `res-${id}`)).status).toBe(500)
    expect(await paymentStatus(id)).toBe('new')
    const retry = await sale(id, 'sale', `res-${id}`)
    expect(retry.status).toBe(200)
    expect(await paymentStatus(id)).toBe('success')
    expect((await ops(id, 'sale')).length).toBe(1)

    const po = orderId('respo')
    const body = { general: general(po), payment: { amount: 200, currency: 'EUR' }, account: { number: 'JT0000012345' } }
    crashOn((change) => change.insertOperation?.type === 'payout' && change.payment.paymentId === po)
    expect((await post('wallet/jeton/payout', body, `respo-${po}`)).status).toBe(500)
    const again = await post('wallet/jeton/payout', body, `respo-${po}`)
    expect(again.status).toBe(200)
    expect(await paymentStatus(po)).toBe('success')
  })

  it('declines a Gate payment nobody resumes, with a callback; its late retry answers that decline', async () => {
    const id = orderId('lost')
    crashOn((change) => change.insertOperation?.type === 'sale' && change.payment.paymentId === id)
    expect((await sale(id, 'sale', `lost-${id}`)).status).toBe(500)
    await t.jobs.tick()
    expect(await paymentStatus(id)).toBe('new')
    clock.advance(31_000)
    await t.jobs.tick()
    expect(await paymentStatus(id)).toBe('decline')
    const [declined] = await ops(id, 'sale')
    expect(declined).toMatchObject({ status: 'decline' })
    const callbacks = await t.callbacks(id)
    expect(callbacks.at(-1)).toMatchObject({ payment: { status: 'decline' }, operation: { status: 'decline', code: '30000' } })
    const late = await sale(id, 'sale', `lost-${id}`)
    expect(late.status).toBe(200)
    expect(late.body['request_id']).toBe(declined!.request_id)
    expect(await sql.query(`SELECT 1 FROM payments WHERE status = 'new' AND channel = 'gate' AND created_at < $1`, [new Date(clock.now().getTime() - 31_000)])).toEqual([])
  })

  it('answers the same signed refund body without a key once: the replay moves no money (item 5)', async () => {
    const id = orderId('replay')
    expect((await sale(id)).status).toBe(200)
    const first = await refund(id, 1000)
    const replay = await refund(id, 1000)
    expect(replay.status).toBe(200)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.body).toEqual(first.body)
    expect((await ops(id, 'refund')).map((o) => Number(o.amount))).toEqual([1000])
    // Another amount is another request.
    expect((await refund(id, 500)).status).toBe(200)
    expect((await ops(id, 'refund')).length).toBe(2)
  })

  it('answers the same signed refund body on the alias route once: /v2/payment/refund is /v2/payment/card/refund (item 5)', async () => {
    const id = orderId('alias')
    expect((await sale(id)).status).toBe(200)
    const body = { general: general(id), payment: { amount: 1000, currency: 'EUR' } }
    const first = await post('card/refund', body)
    expect(first.status).toBe(200)
    const replay = await post('refund', body)
    expect(replay.status).toBe(200)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.body).toEqual(first.body)
    // With a key, too: the alias is the same request, answered, not a reused key.
    const keyed = { ...body, payment: { amount: 400, currency: 'EUR' } }
    const second = await post('refund', keyed, `alias-${id}`)
    expect(second.status).toBe(200)
    const again = await post('card/refund', keyed, `alias-${id}`)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual(second.body)
    expect((await ops(id, 'refund')).map((o) => Number(o.amount))).toEqual([1000, 400])
  })

  it('answers a copy of a signed refund whose numbers the Go signer reads alike once (item 5)', async () => {
    const id = orderId('go')
    expect((await sale(id)).status).toBe(200)
    // Go's signer signs a number's integer part: `24.5` in the copy verifies with the signature of `24`.
    const signed = signGate({ general: general(id), payment: { amount: 1000, currency: 'EUR' }, interface_type: { id: 24 } })
    const first = await gate(t.app, '/v2/payment/card/refund', signed, { unsigned: true })
    expect(first.status).toBe(200)
    const copy = { ...signed, interface_type: { id: 24.5 } }
    const replay = await gate(t.app, '/v2/payment/card/refund', copy, { unsigned: true })
    expect(replay.status).toBe(200)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(replay.body).toEqual(first.body)
    expect((await ops(id, 'refund')).map((o) => Number(o.amount))).toEqual([1000])
  })
})

/** A clock the tests move by hand, one millisecond per reading so rows keep their order. */
function fixedClockTicking() {
  let now = new Date('2030-01-15T10:00:00Z').getTime()
  return { now: () => new Date(now++), advance: (ms: number) => void (now += ms) }
}
