import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binCountry } from '../../../protocol/card-countries.ts'
import { addressCountry, paymentCountry } from '../../../server/domain/payment-country.ts'
import { addDays } from '../../../server/dashboard/home/home-buckets.ts'
import { homeView, type HomeFilter } from '../../../server/dashboard/home/home-figures.ts'
import { keepHomeZones } from '../../../server/dashboard/home/home-zones.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { card, expectLedgerBalanced, gate, gateTestApp, general, orderId } from '../../fixtures/gate.ts'

// The home screen's country (SPEC §14): the card's issuer country from its BIN, else the
// customer's address; stored with the payment when it is charged, and on every posting of it.

describe('a payment\'s country, from the BIN or the address', () => {
  it('reads the BIN table first, then the customer\'s or billing address', () => {
    expect(binCountry('2200000000000004')).toBe('RU')
    expect(binCountry('424242')).toBe('US')
    expect(binCountry('51051051')).toBeNull()
    expect(addressCountry({ customer_country: ' fr ' })).toBe('FR')
    expect(addressCountry({ customer_country: 'France', billing_country: 'be' })).toBe('BE')
    expect(addressCountry({ billing_country: '12' })).toBeNull()
    expect(paymentCountry({ customer_country: 'DE' }, '220000')).toBe('RU')
    expect(paymentCountry({ customer_country: 'DE' }, '510510')).toBe('DE')
    expect(paymentCountry({}, null)).toBeNull()
  })
})

describe.each(testDatabases())('payment country stored ($name)', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>

  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql)
    // Home's daily aggregates (migration 0033) are kept for this zone as the payments below are made.
    await keepHomeZones(sql, ['Europe/Moscow'])
  })
  afterAll(async () => {
    await expectLedgerBalanced(sql)
    await t.close()
    await sql.close()
  })

  const stored = async (paymentId: string) => {
    const [payment] = await sql.query<{ id: string; country: string | null; charged: boolean }>('SELECT id, country, charged FROM payments WHERE payment_id = $1', [paymentId])
    const postings = await sql.query<{ country: string | null; kind: string; test: boolean; payment_row_id: string }>(
      `SELECT lp.country, lp.kind, lp.test, lp.payment_row_id FROM ledger_postings lp JOIN operations o ON o.id = lp.operation_id WHERE o.payment_row_id = $1`, [payment!.id])
    return { ...payment!, postings }
  }

  it('takes the issuer country of the charged card, over the address, onto the payment and its postings', async () => {
    const paymentId = orderId('country')
    const res = await gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount: 1500, currency: 'EUR' }, customer: { id: 'c1', country: 'DE' }, card: card('2200000000000004') })
    expect(res.status).toBe(200)
    const s = await stored(paymentId)
    expect(s.country).toBe('RU')
    expect(s.charged).toBe(true)
    expect(s.postings.length).toBeGreaterThan(0)
    expect(s.postings.every((p) => p.country === 'RU' && p.kind === 'sale' && p.test && p.payment_row_id === s.id)).toBe(true)
  })

  it('falls back to the customer\'s address for a card the table does not know', async () => {
    const paymentId = orderId('country')
    const res = await gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount: 700, currency: 'EUR' }, customer: { id: 'c2', country: 'DE' }, card: card('5105105105105100') })
    expect(res.status).toBe(200)
    const s = await stored(paymentId)
    expect(s.country).toBe('DE')
    expect(s.postings.every((p) => p.country === 'DE')).toBe(true)
  })

  it('keeps no country when neither says one, and refuses a malformed one', async () => {
    const paymentId = orderId('country')
    expect((await gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount: 700, currency: 'EUR' }, customer: { id: 'c3' }, card: card('5105105105105100') })).status).toBe(200)
    expect((await stored(paymentId)).country).toBeNull()
    const bad = await gate(t.app, '/v2/payment/card/sale', { general: general(orderId('country')), payment: { amount: 700, currency: 'EUR' }, customer: { id: 'c3', country: 'Germany' }, card: card() })
    expect(bad.status).toBe(400)
  })

  it('marks a declined purchase as not converted', async () => {
    const paymentId = orderId('country')
    await gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount: 700, currency: 'EUR' }, customer: { id: 'c4' }, card: card('4000000000000002') })
    const s = await stored(paymentId)
    expect(s.charged).toBe(false)
    expect(s.country).toBe('GB')
    expect(s.postings).toEqual([])
  })

  it('leaves home\'s aggregates of a kept zone equal to the rows, by country, after these payments', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow' }).format(t.deps.clock.now())
    for (const [granularity, days] of [['day', 30], ['month', 366]] as const) {
      for (const country of [undefined, 'RU', 'DE', 'GB']) {
        const filter: HomeFilter = { from: addDays(today, -(days - 1)), to: today, tz: 'Europe/Moscow', granularity, currency: 'EUR', projects: null,
          method: undefined, country, mode: 'test' }
        const view = await homeView(sql, filter)
        expect(view).toEqual(await homeView(sql, filter, 'index'))
        if (country === undefined) expect(view.current).toMatchObject({ paid_sum: 1500 + 700 + 700, paid_count: 3, opened: 4, converted: 3 })
        if (country === 'GB') expect(view.declines.map((d) => d.count)).toEqual([1])
      }
    }
  })
})
