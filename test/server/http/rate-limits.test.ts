import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { clientAddress } from '../../../server/http/client-address.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { fixedClock, makeTestApp, paymentParams, signedQuery, tokenFrom } from '../../fixtures/test-app.ts'

const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123', holder: 'JANE DOE' }
const NOT_LUHN = { ...CARD, pan: '4242424242424241' }
const DECLINE = { ...CARD, pan: '4000000000000002' }

// @see issue 9 item 4: the first X-Forwarded-For hop is whatever the client wrote.
describe('clientAddress', () => {
  it.each([
    // [X-Forwarded-For as EPay receives it, trusted proxies, expected client]
    [undefined, 0, '10.0.0.1'],
    ['6.6.6.6', 0, '10.0.0.1'],
    ['203.0.113.50', 1, '203.0.113.50'],
    ['6.6.6.6, 203.0.113.50', 1, '203.0.113.50'],
    ['6.6.6.6,203.0.113.50', 1, '203.0.113.50'],
    ['6.6.6.6, 7.7.7.7, 203.0.113.50', 1, '203.0.113.50'],
    ['6.6.6.6, 203.0.113.50, 192.0.2.10', 2, '203.0.113.50'],
    // Fewer entries than trusted proxies: the furthest hop any trusted proxy saw.
    ['203.0.113.50', 2, '203.0.113.50'],
    // A proxy that forwards no header: the socket is the proxy, so no client is known but it.
    [undefined, 1, '10.0.0.1'],
    ['', 1, '10.0.0.1'],
    // The header split over two lines arrives joined with ", ".
    ['6.6.6.6, 203.0.113.50', 1, '203.0.113.50'],
  ])('X-Forwarded-For %j with %i trusted proxies is %s', (header, trusted, expected) => {
    expect(clientAddress(header, '10.0.0.1', trusted)).toBe(expected)
  })
})

describe.each(testDatabases())('card submission limits on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    // The numbers scaled down by 30: 600/min per project became 20, 630 submissions 63.
    // A clock that stands still: on the wall clock a run that straddles a minute starts a new
    // window halfway and its counts come out different.
    t = await makeTestApp(sql, { clock: fixedClock(), env: { EPAY_TRUST_PROXY: '1', EPAY_PAY_LIMIT_SESSION: '10', EPAY_PAY_LIMIT_IP: '5', EPAY_PAY_LIMIT_PROJECT: '20' } })
  })
  afterAll(() => sql.close())

  let address = 0
  /** A shopper behind EPay's one proxy: the proxy appends the address it saw. */
  const shopper = () => `203.0.113.${++address}`
  const openSession = async () => tokenFrom(await (await t.app.request(`/payment?${signedQuery(paymentParams())}`)).text())
  const pay = (token: string, from: string, card: typeof CARD = CARD, forged?: string) =>
    t.app.request('/api/page/pay', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-forwarded-for': forged ? `${forged}, ${from}` : from },
      body: JSON.stringify({ method: 'card', card }),
    })
  const resetWindows = () => sql.query('DELETE FROM rate_limits')

  it('counts the address the proxy saw, whatever the client wrote first', async () => {
    await resetWindows()
    const attacker = shopper()
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) statuses.push((await pay(await openSession(), attacker, NOT_LUHN, `198.51.100.${i}`)).status)
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429, 429])
    // Another shopper's address is not touched by it.
    expect((await pay(await openSession(), shopper(), CARD, '198.51.100.1')).status).toBe(200)
  })

  it('does not let a flood for one session use up the project for real shoppers', async () => {
    await resetWindows()
    const attacker = await openSession()
    const statuses = new Map<number, number>()
    for (let i = 0; i < 63; i++) {
      // Each from a fresh address, so only the session limit and the project limit apply.
      const status = (await pay(attacker, shopper(), NOT_LUHN)).status
      statuses.set(status, (statuses.get(status) ?? 0) + 1)
    }
    expect(Object.fromEntries(statuses)).toEqual({ 400: 10, 429: 53 })
    expect((await pay(await openSession(), shopper())).status).toBe(200)
  })

  it('does not count submissions for a payment that can no longer be paid', async () => {
    await resetWindows()
    const attacker = await openSession()
    for (let i = 0; i < 3; i++) expect((await pay(attacker, shopper(), DECLINE)).status).toBe(200)
    // Attempts are used up: refused as such, before any counter moves.
    for (let i = 0; i < 40; i++) expect((await pay(attacker, shopper(), NOT_LUHN)).status).toBe(409)
    const paid = await openSession()
    expect((await pay(paid, shopper())).status).toBe(200)
    for (let i = 0; i < 40; i++) expect((await pay(paid, shopper())).status).toBe(409)
    const hits = await sql.query<{ key: string; hits: unknown }>("SELECT key, hits FROM rate_limits WHERE key LIKE 'pay:project:%'")
    expect(hits.map((r) => Number(r.hits))).toEqual([4])
    expect((await pay(await openSession(), shopper())).status).toBe(200)
  })
})
