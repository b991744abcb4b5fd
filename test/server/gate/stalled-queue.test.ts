import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { card, gate, gateTestApp, general, orderId, tickingClock } from '../../fixtures/gate.ts'

// Issue 9, item 8: the stalled-attempt resolver ends attempts no provider ever saw, and attempts
// it cannot settle yet never hold back the ones behind them.
describe.each(testDatabases())('stalled attempts on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  const clock = tickingClock()
  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql, { clock })
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  const walletSale = (paymentId: string) =>
    gate(t.app, '/v2/payment/wallet/jeton/sale', { general: general(paymentId), payment: { amount: 2500, currency: 'EUR' }, return_url: 'https://shop.example/done' })
  const status = async (paymentId: string) => (await sql.query<{ status: string }>('SELECT status FROM payments WHERE payment_id = $1', [paymentId]))[0]?.status
  /** The provider call of the next attempt fails before the provider records anything. */
  const failNextStart = (provider: { start?: unknown; authorise?: unknown }, method: 'start' | 'authorise') => {
    const original = provider[method] as (...args: unknown[]) => Promise<unknown>
    provider[method] = async () => {
      provider[method] = original
      throw new Error('connection reset')
    }
  }

  it('declines a wallet attempt claimed but never started, with a callback', async () => {
    const id = orderId('never')
    failNextStart(t.deps.simulators.jeton as never, 'start')
    expect((await walletSale(id)).status).toBe(200)
    expect(await status(id)).toBe('processing')
    clock.advance(6_000)
    await t.jobs.tick()
    expect(await status(id)).toBe('decline')
    const [callback] = await t.callbacks(id)
    expect(callback).toMatchObject({ payment: { status: 'decline' }, operation: { type: 'sale', status: 'decline', code: '30000' } })
  })

  it('never lets 50 attempts still waiting on the shopper starve a due one', async () => {
    const wait = orderId('wait')
    expect((await walletSale(wait)).status).toBe(200)
    // 49 more like it, copied row for row (payment, attempt, the wallet's record), to fill the resolver's batch of 50.
    const copies = await cloneWalletPayment(sql, wait, 49)
    const waiting = [wait, ...copies]
    clock.advance(1_000)
    const lost = orderId('lost')
    failNextStart(t.deps.simulators.card as never, 'authorise')
    expect((await gate(t.app, '/v2/payment/card/sale', { general: general(lost), payment: { amount: 900, currency: 'EUR' }, card: card() })).status).toBe(200)
    expect(await status(lost)).toBe('processing')
    // Past the wallet's first look (5 min) but not its end (30 min): the 50 are due, yet undecided.
    clock.advance(6 * 60_000)
    await t.jobs.tick()
    await t.jobs.tick()
    expect(await status(lost)).toBe('decline')
    for (const id of waiting.slice(0, 3)) expect(await status(id)).toBe('awaiting redirect result')
  })
})

/** Copies a wallet payment waiting on its shopper `n` times, every column as it is but the ids. */
async function cloneWalletPayment(sql: Sql, paymentId: string, n: number): Promise<string[]> {
  const [row] = await sql.query<{ id: string; op: string }>(
    'SELECT p.id, o.id::text AS op FROM payments p JOIN operations o ON o.payment_row_id = p.id WHERE p.payment_id = $1', [paymentId])
  await sql.query(
    `INSERT INTO payments SELECT (jsonb_populate_record(NULL::payments, to_jsonb(p) || jsonb_build_object('id', p.id || '-' || g, 'payment_id', p.payment_id || '-' || g))).*
       FROM payments p, generate_series(1, $2::int) g WHERE p.id = $1`, [row!.id, n])
  await sql.query(
    `INSERT INTO operations SELECT (jsonb_populate_record(NULL::operations, to_jsonb(o) || jsonb_build_object('id', o.id + g, 'payment_row_id', o.payment_row_id || '-' || g))).*
       FROM operations o, generate_series(1, $2::int) g WHERE o.id = $1::bigint`, [row!.op, n])
  await sql.query(
    `INSERT INTO sim_wallet_payments SELECT (jsonb_populate_record(NULL::sim_wallet_payments, to_jsonb(w) || jsonb_build_object('reference', (w.reference::bigint + g)::text))).*
       FROM sim_wallet_payments w, generate_series(1, $2::int) g WHERE w.reference = $1`, [row!.op, n])
  return Array.from({ length: n }, (_, i) => `${paymentId}-${i + 1}`)
}
