import { randomBytes } from 'node:crypto'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BalanceViewSchema, PayoutListSchema, PayoutResultSchema, type BalanceLine } from '../../../protocol/schemas/dashboard/balance.ts'
import { BalanceResponseSchema } from '../../../protocol/schemas/gate-views.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { dashboardApp, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { card, expectLedgerBalanced, gate, general, orderId } from '../../fixtures/gate.ts'
import { TEST_PROJECT, callbackReceiver } from '../../fixtures/test-app.ts'

const key = () => randomBytes(12).toString('base64url')
const P = TEST_PROJECT.id

describe.each(testDatabases())('dashboard balance and payouts ($name)', (db) => {
  let sql: Sql
  let t: DashboardTestApp
  let receiver: Awaited<ReturnType<typeof callbackReceiver>>
  let org: string
  let owner: Agent
  let manager: Agent
  let viewer: Agent
  let developer: Agent
  let outsider: Agent
  let token: string

  const sale = async (amount: number, currency = 'EUR') => {
    const paymentId = orderId('fund')
    expect((await gate(t.app, '/v2/payment/card/sale', { general: general(paymentId), payment: { amount, currency }, card: card() })).status).toBe(200)
    return paymentId
  }
  const balance = async (agent: Agent) => {
    const res = await t.call(agent, 'GET', '/api/dashboard/balance')
    expect(res.status).toBe(200)
    return v.parse(BalanceViewSchema, await res.json())
  }
  const line = async (currency: string, project = P): Promise<BalanceLine | undefined> =>
    (await balance(owner)).balances.find((b) => b.project_id === project && b.currency === currency)
  const payout = (agent: Agent, body: Record<string, unknown>, project = P) => t.call(agent, 'POST', `/api/dashboard/projects/${project}/payouts`, body)
  const wallet = (amount: number, currency = 'EUR', idempotency_key = key()) => ({ idempotency_key, amount, currency, destination: { type: 'wallet', account: 'JT0000012345' } })
  const ledgerSum = async (account: string, currency: string) =>
    Number((await sql.query<{ s: unknown }>(`SELECT COALESCE(SUM(amount), 0) AS s FROM ledger_postings WHERE project_id = $1 AND currency = $2 AND account = $3`, [P, currency, account]))[0]!.s)

  beforeAll(async () => {
    sql = await db.open()
    receiver = await callbackReceiver()
    t = await dashboardApp(sql, { callbackUrl: receiver.url })
    org = await t.org('Shop')
    // 1.50 %: the platform's rate for this project, posted when money arrives.
    await sql.query('UPDATE projects SET org_id = $1, commission_bps = 150 WHERE id = $2', [org, P])
    await t.project(777002, org)
    const other = await t.org('Other')
    await t.project(777001, other)
    owner = await t.signedIn(await t.user('owner@shop.example', 'owner', org))
    manager = await t.signedIn(await t.user('manager@shop.example', 'manager', org))
    viewer = await t.signedIn(await t.user('viewer@shop.example', 'viewer', org))
    developer = await t.signedIn(await t.user('dev@shop.example', 'developer', org))
    outsider = await t.signedIn(await t.user('owner@other.example', 'owner', other))
    token = String((await gate(t.app, '/v2/token/card/create', { general: general(), customer: { id: 'c-payee' }, card: { pan: '4242424242424242', year: 2031, month: 1 } })).body['token'])
    // Migrations and five password hashes: slow on a shared machine.
  }, 180_000)
  afterAll(async () => {
    await expectLedgerBalanced(sql)
    await receiver.close()
    await sql.close()
  })

  it('shows each balance and the commission exactly as the ledger sums them, and as the Gate reports them', async () => {
    const first = await sale(10_000, 'GBP')
    await sale(3_333, 'GBP')
    // A refund gives the shopper the whole amount back; the commission stays kept.
    const rowId = (await sql.query<{ id: string }>('SELECT id FROM payments WHERE payment_id = $1', [first]))[0]!.id
    expect((await t.call(manager, 'POST', `/api/dashboard/projects/${P}/payments/${rowId}/refund`, { idempotency_key: key(), amount: 1_000, reason: 'Returned goods' })).status).toBe(200)
    expect((await gate(t.app, '/v2/payment/wallet/jeton/payout', { general: general(orderId('po')), payment: { amount: 2_000, currency: 'GBP' }, account: { number: 'JT0000099999' } })).status).toBe(200)
    // 1.50 % of 10 000 is 150; of 3 333 is 49.995, rounded half up to 50.
    expect(await line('GBP')).toEqual({ project_id: P, project_name: expect.any(String), currency: 'GBP', available: 10_000 - 150 + 3_333 - 50 - 1_000 - 2_000, commission: 200, in_flight: 0, paid_out: 2_000 })
    expect((await line('GBP'))!.available).toBe(-(await ledgerSum('merchant', 'GBP')))
    expect((await line('GBP'))!.commission).toBe(-(await ledgerSum('commission', 'GBP')))
    const gateView = v.parse(BalanceResponseSchema, (await gate(t.app, '/v2/balance', { general: general(), currency: 'GBP' })).body)
    expect(gateView).toMatchObject({ balance: 10_133, commission: 200 })
    const view = await balance(owner)
    expect(view.projects.find((p) => p.id === P)?.commission_bps).toBe(150)
    expect(view.can_pay_out).toBe(true)
    await expectLedgerBalanced(sql)
  })

  it('pays out to a wallet account and to a saved card through the Gate’s payout, with a journal row and a callback', async () => {
    await sale(20_000, 'EUR')
    const before = (await line('EUR'))!.available
    const toWallet = await payout(manager, wallet(1_500))
    expect(toWallet.status).toBe(200)
    const walletResult = v.parse(PayoutResultSchema, await toWallet.json())
    expect(walletResult).toMatchObject({ payment_status: 'success', operation: { type: 'payout', status: 'success', amount: 1_500, currency: 'EUR', method: 'jeton' } })
    const toCard = await payout(owner, { idempotency_key: key(), amount: 2_500, currency: 'EUR', destination: { type: 'card', account_token: token, customer_id: 'c-payee' }, description: 'Weekly payout' })
    expect(toCard.status).toBe(200)
    const cardResult = v.parse(PayoutResultSchema, await toCard.json())
    expect(cardResult.operation).toMatchObject({ status: 'success', card_mask: '424242******4242' })
    expect((await line('EUR'))!.available).toBe(before - 4_000)
    const actions = await sql.query<{ target: string }>(`SELECT target FROM journal WHERE action = 'payout_requested' ORDER BY seq`)
    expect(actions.map((a) => a.target)).toEqual(expect.arrayContaining([walletResult.payment_id, cardResult.payment_id]))
    // The merchant hears of it as of a Gate payout: a callback waits in the outbox for each.
    const outbox = await sql.query(`SELECT 1 FROM callback_outbox c JOIN payments p ON p.id = c.payment_row_id WHERE p.payment_id = ANY($1::text[])`, [[walletResult.payment_id, cardResult.payment_id]])
    expect(outbox).toHaveLength(2)
    // A token of another customer is not found, as through the Gate, and moves nothing.
    const stranger = await payout(owner, { idempotency_key: key(), amount: 100, currency: 'EUR', destination: { type: 'card', account_token: token, customer_id: 'someone-else' } })
    expect(stranger.status).toBe(404)
    expect((await line('EUR'))!.available).toBe(before - 4_000)
  })

  it('declines a payout above the balance with 3028 and moves nothing', async () => {
    await sale(1_000, 'PLN')
    const postings = async () => Number((await sql.query<{ n: unknown }>('SELECT count(*) AS n FROM ledger_postings'))[0]!.n)
    const count = await postings()
    const before = await line('PLN')
    const res = await payout(manager, wallet(985 + 1, 'PLN'))
    expect(res.status).toBe(200)
    const body = v.parse(PayoutResultSchema, await res.json())
    expect(body).toMatchObject({ payment_status: 'decline', operation: { status: 'decline', code: '3028', message: 'Insufficient funds on merchant balance' } })
    expect(await postings()).toBe(count)
    expect(await line('PLN')).toEqual(before)
    // The whole available balance (1 000 less 1.50 %) can go.
    expect(v.parse(PayoutResultSchema, await (await payout(manager, wallet(985, 'PLN'))).json()).operation.status).toBe('success')
    expect((await line('PLN'))!.available).toBe(0)
  })

  it('pays out once for a double click (the same key), and refuses the key for another payout', async () => {
    await sale(5_000, 'NOK')
    const click = wallet(700, 'NOK')
    const [a, b] = await Promise.all([payout(manager, click), payout(manager, click)])
    const again = await payout(manager, click)
    const answers = [a, b, again].filter((r) => r.status === 200)
    expect(answers.length).toBeGreaterThanOrEqual(2)
    for (const r of [a, b]) expect([200, 409]).toContain(r.status)
    const ids = new Set(await Promise.all(answers.map(async (r) => v.parse(PayoutResultSchema, await r.json()).operation.id)))
    expect(ids.size).toBe(1)
    expect((await line('NOK'))).toMatchObject({ available: 5_000 - 75 - 700, paid_out: 700 })
    const reused = await payout(manager, { ...click, amount: 800 })
    expect(reused.status).toBe(409)
    expect((await reused.json()) as unknown).toMatchObject({ error: { code: 'idempotency_key_reused' } })
    expect((await sql.query(`SELECT 1 FROM journal WHERE action = 'payout_requested' AND target = $1`, [`dashboard-payout-${click.idempotency_key}`]))).toHaveLength(1)
  })

  // PGlite runs one query at a time: the race is PostgreSQL's.
  if (db.name === 'postgres') {
    it('never overdraws under 10 simultaneous payout requests from two users', async () => {
      await sale(10_000, 'USD')
      const available = (await line('USD'))!.available
      expect(available).toBe(9_850)
      const sends = Array.from({ length: 10 }, (_, i) => payout(i % 2 ? owner : manager, wallet(1_500, 'USD')))
      const results = await Promise.all(sends.map(async (r) => {
        const res = await r
        expect(res.status).toBe(200)
        return v.parse(PayoutResultSchema, await res.json()).operation
      }))
      const paid = results.filter((o) => o.status === 'success')
      expect(paid).toHaveLength(6)
      expect(results.filter((o) => o.code === '3028')).toHaveLength(4)
      expect(await line('USD')).toMatchObject({ available: 9_850 - 6 * 1_500, paid_out: 6 * 1_500, in_flight: 0 })
      expect(-(await ledgerSum('merchant', 'USD'))).toBe(9_850 - 6 * 1_500)
      await expectLedgerBalanced(sql)
    })
  }

  it('lists payouts with their statuses and results, filtered, within the organisation only', async () => {
    const res = await t.call(viewer, 'GET', `/api/dashboard/payouts?project=${P}`)
    expect(res.status).toBe(200)
    const list = v.parse(PayoutListSchema, await res.json())
    expect(list.payouts.length).toBeGreaterThanOrEqual(6)
    expect(list.payouts.some((p) => p.status === 'decline' && p.code === '3028')).toBe(true)
    expect(list.payouts.some((p) => p.status === 'success' && p.method === 'jeton' && p.destination === 'JT0000012345')).toBe(true)
    const declined = v.parse(PayoutListSchema, await (await t.call(viewer, 'GET', '/api/dashboard/payouts?status=decline')).json())
    expect(declined.payouts.length).toBeGreaterThan(0)
    expect(declined.payouts.every((p) => p.status === 'decline')).toBe(true)
    const sek = v.parse(PayoutListSchema, await (await t.call(viewer, 'GET', '/api/dashboard/payouts?currency=NOK')).json())
    expect(sek.payouts.map((p) => p.amount)).toEqual([700])
    const other = v.parse(PayoutListSchema, await (await t.call(outsider, 'GET', '/api/dashboard/payouts')).json())
    expect(other.payouts).toEqual([])
    expect((await balance(outsider)).balances.some((b) => b.project_id === P)).toBe(false)
    expect((await t.call(viewer, 'GET', '/api/dashboard/payouts?status=nonsense')).status).toBe(400)
  })

  it('lets a viewer see the balance but not pay out; developers see neither; another organisation cannot pay out of it', async () => {
    const seen = await balance(viewer)
    expect(seen.can_pay_out).toBe(false)
    expect(seen.balances.some((b) => b.project_id === P)).toBe(true)
    const before = await line('EUR')
    expect((await payout(viewer, wallet(100))).status).toBe(403)
    expect((await t.call(developer, 'GET', '/api/dashboard/balance')).status).toBe(403)
    expect((await payout(developer, wallet(100))).status).toBe(403)
    expect((await payout(outsider, wallet(100))).status).toBe(404)
    expect(await line('EUR')).toEqual(before)
  })

  it('refuses a malformed payout request with the field it concerns', async () => {
    const bad = await payout(manager, { ...wallet(100), amount: 1.5 })
    expect(bad.status).toBe(400)
    expect((await bad.json()) as unknown).toMatchObject({ error: { code: 'validation_failed', param: 'amount' } })
    const noAccount = await payout(manager, { ...wallet(100), destination: { type: 'wallet', account: ' ' } })
    expect(noAccount.status).toBe(400)
  })
})
