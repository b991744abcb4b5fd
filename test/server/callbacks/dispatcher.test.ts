import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nextAttemptAt } from '../../../server/callbacks/retry-schedule.ts'
import { isBlockedAddress } from '../../../server/callbacks/blocked-address.ts'
import { sendCallback } from '../../../server/callbacks/send-callback.ts'
import { splitSignature, verify } from '../../../server/signature/signature.ts'
import type { Signable } from '../../../server/signature/string-to-sign.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { TEST_PROJECT, callbackReceiver, fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }

describe.each(testDatabases())('callback dispatcher on $name', (db) => {
  let sql: Sql
  let status = 500
  let receiver: Awaited<ReturnType<typeof callbackReceiver>>
  let t: Awaited<ReturnType<typeof makeTestApp>>
  const clock = fixedClock()
  beforeAll(async () => {
    receiver = await callbackReceiver(() => status)
    sql = await db.open()
    t = await makeTestApp(sql, { clock, callbackUrl: receiver.url })
  })
  afterAll(async () => {
    await sql.close()
    await receiver.close()
  })

  const payOnce = async (card = CARD) => {
    const params = paymentParams({ customer_id: 'cust-1', payment_description: 'Tea' })
    const token = tokenFrom(await (await t.app.request(`/payment?${signedQuery(params)}`)).text())
    await t.app.request('/api/page/pay', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'card', card }),
    })
    return params
  }

  it('retries on failure by the schedule, then delivers a signed ECommPay callback', async () => {
    status = 500
    const params = await payOnce()
    // The first try is handed over at commit; a tick waits for it and claims nothing.
    expect(await t.dispatcher.tick()).toBe(0)
    expect(receiver.received).toHaveLength(1)
    expect(await t.dispatcher.tick()).toBe(0) // not due before +10 s
    // SPEC §8: the first retry comes 10 s after the first failure.
    clock.advance(10_000)
    status = 200
    expect(await t.dispatcher.tick()).toBe(1)
    expect(receiver.received).toHaveLength(2)
    clock.advance(60 * 60 * 1000)
    expect(await t.dispatcher.tick()).toBe(0) // delivered: never again

    const last = receiver.received.at(-1)!
    const body = JSON.parse(last.body) as Record<string, Signable>
    const { signature, params: signed } = splitSignature(body)
    expect(verify(signed, signature!, TEST_PROJECT.secret)).toBe(true)
    expect(body).toMatchObject({
      project_id: TEST_PROJECT.id,
      payment: { id: params.payment_id, type: 'purchase', status: 'success', method: 'card', sum: { amount: 1000, currency: 'EUR' }, description: 'Tea' },
      account: { number: '424242******4242', type: 'visa' },
      customer: { id: 'cust-1' },
      operation: { type: 'sale', status: 'success', code: '0', message: 'Success', sum_initial: { amount: 1000, currency: 'EUR' } },
    })
    expect(String((body['payment'] as Record<string, string>)['date'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000$/)
    expect(last.body).not.toContain('null')
    expect(last.body).not.toContain('4242424242424242')

    const header = String(last.headers['x-epay-signature'])
    const [, ts, mac] = /^t=(\d+),v1=([0-9a-f]{128}|[0-9a-f]{64})$/.exec(header)!
    expect(mac).toBe(createHmac('sha256', TEST_PROJECT.secret).update(`${ts}.${last.body}`).digest('hex'))
    expect(last.headers['x-epay-event-id']).toBe(receiver.received[0]!.headers['x-epay-event-id'])
  })

  it('sends the callback at commit with no claim, and a poll sends it once the lease ends if that send never happened', async () => {
    status = 200
    const before = receiver.received.length
    const params = await payOnce()
    // No tick: the payment store handed the event over when its transaction committed.
    for (let i = 0; i < 200 && receiver.received.length === before; i++) await new Promise((r) => setTimeout(r, 10))
    expect(receiver.received).toHaveLength(before + 1)
    const outboxRow = async () => (await sql.query<{ id: string; status: string; attempts: number; locked_until: Date | null }>(
      `SELECT o.id, o.status, o.attempts, o.locked_until FROM callback_outbox o JOIN payments p ON p.id = o.payment_row_id WHERE p.payment_id = $1`,
      [params.payment_id],
    ))[0]
    // The merchant's answer is recorded after the merchant has the request: wait for that write.
    let event = await outboxRow()
    for (let i = 0; i < 200 && event?.status === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 10))
      event = await outboxRow()
    }
    expect(event).toMatchObject({ status: 'delivered', attempts: 1, locked_until: null })
    expect(await t.dispatcher.tick()).toBe(0)

    // A process that wrote an event and died before sending it: the row is leased to no one alive.
    await sql.query(`UPDATE callback_outbox SET status = 'pending', attempts = 0, locked_until = $2 WHERE id = $1`, [event!.id, new Date(clock.now().getTime() + 30_000)])
    expect(await t.dispatcher.tick()).toBe(0) // still leased
    clock.advance(30_000)
    expect(await t.dispatcher.tick()).toBe(1)
    expect(receiver.received).toHaveLength(before + 2)
    expect(receiver.received.at(-1)!.headers['x-epay-event-id']).toBe(event!.id)
  })

  it('hands over at most 32 events at once; past that an event is written unleased and a poll claims it', async () => {
    // A merchant that answers nothing until released: every hand-off stays in flight.
    const held: Array<() => void> = []
    const slow = createServer((req, res) => {
      req.resume()
      req.on('end', () => held.push(() => res.writeHead(200).end('ok')))
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    const own = await db.open()
    try {
      const app = await makeTestApp(own, { clock, callbackUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}/callbacks` })
      const pay = async () => {
        const token = tokenFrom(await (await app.app.request(`/payment?${signedQuery(paymentParams())}`)).text())
        await app.app.request('/api/page/pay', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ method: 'card', card: CARD }) })
      }
      for (let i = 0; i < 34; i++) await pay()
      for (let i = 0; i < 500 && held.length < 32; i++) await new Promise((r) => setTimeout(r, 10))
      const rows = await own.query<{ leased: boolean }>(`SELECT locked_until IS NOT NULL AS leased FROM callback_outbox WHERE status = 'pending'`)
      expect(rows.filter((r) => r.leased)).toHaveLength(32)
      expect(rows.filter((r) => !r.leased)).toHaveLength(2)
      expect(held).toHaveLength(32)
      // The poll claims the two left over while the hand-offs are still waiting on the merchant.
      const polled = app.dispatcher.start(10)
      for (let i = 0; i < 500 && held.length < 34; i++) await new Promise((r) => setTimeout(r, 10))
      expect(held).toHaveLength(34)
      for (const release of held) release()
      await polled()
      expect((await own.query<{ n: number }>(`SELECT count(*)::int AS n FROM callback_outbox WHERE status = 'delivered'`))[0]!.n).toBe(34)
    } finally {
      await own.close()
      await new Promise<void>((r) => {
        slow.close(() => r())
        slow.closeAllConnections()
      })
    }
  })

  it('reports a decline with its code and an errors list', async () => {
    status = 200
    await payOnce({ ...CARD, pan: '4000000000009995' })
    await t.dispatcher.tick()
    const body = JSON.parse(receiver.received.at(-1)!.body) as Record<string, unknown>
    // The shopper may still retry on the page: ECommPay's `awaiting customer`, not a final decline.
    expect(body).toMatchObject({
      payment: { status: 'awaiting customer', is_new_attempts_available: true },
      operation: { status: 'decline', code: '20105', message: 'Insufficient funds' },
      errors: [{ code: '20105', message: 'Insufficient funds' }],
    })
  })
})

describe('retry schedule', () => {
  it('follows +10 s, +20 s, +30 s, 2 m … 8 h, then every 8 h, and gives up after 3 days', () => {
    const created = new Date('2030-01-01T00:00:00Z')
    let at = created
    const delays: number[] = []
    for (let attempt = 1; ; attempt++) {
      const next = nextAttemptAt(created, attempt, at)
      if (!next) break
      delays.push(next.getTime() - at.getTime())
      at = next
    }
    // SPEC §8, written out (never read from the code's constant): +10 s, +20 s, +30 s, then 2 m … 8 h.
    const s = 1000, m = 60 * s, h = 60 * m
    expect(delays.slice(0, 12)).toEqual([10 * s, 20 * s, 30 * s, 2 * m, 5 * m, 10 * m, 15 * m, 30 * m, 1 * h, 2 * h, 4 * h, 8 * h])
    expect(new Set(delays.slice(12))).toEqual(new Set([8 * 3600_000]))
    expect(at.getTime() - created.getTime()).toBeLessThanOrEqual(72 * 3600_000)
    expect(at.getTime() - created.getTime()).toBeGreaterThan(64 * 3600_000)
  })
})

describe('sendCallback', () => {
  it('refuses http and private targets unless local callbacks are allowed', async () => {
    expect(await sendCallback('http://example.com/cb', '{}', {}, { allowLocal: false })).toMatchObject({ ok: false, error: 'not https' })
    expect(await sendCallback('https://127.0.0.1/cb', '{}', {}, { allowLocal: false })).toMatchObject({ ok: false, error: 'blocked address' })
    expect(await sendCallback('https://localhost/cb', '{}', {}, { allowLocal: false })).toMatchObject({ ok: false })
    for (const ip of ['10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', '::ffff:127.0.0.1', '100.64.0.1']) {
      expect(isBlockedAddress(ip)).toBe(true)
    }
    expect(isBlockedAddress('93.184.216.34')).toBe(false)
  })
})
