import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateErrorSchema, TokenCreatedSchema, TokenDeletedSchema, TokenListSchema } from '../../../protocol/schemas/gate-views.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { gate, gateTestApp, general } from '../../fixtures/gate.ts'

const PAN = '5555555555554444'

describe.each(testDatabases())('Gate saved cards on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql)
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  const create = (customer: string, pan = PAN, key?: string) =>
    gate(t.app, '/v2/token/card/create', { general: general(), customer: { id: customer }, card: { pan, year: 2032, month: 4, card_holder: 'JOHN ROE' } }, key ? { key } : {})
  const list = async (customer: string) => v.parse(TokenListSchema, (await gate(t.app, '/v2/token/card/list', { general: general(), customer: { id: customer } })).body).tokens
  const remove = (customer: string, token: string) => gate(t.app, '/v2/token/card/delete', { general: general(), customer: { id: customer }, token })
  const errorOf = (response: { status: number; body: unknown }, code: number) => {
    expect(response.status).toBe(code)
    return v.parse(GateErrorSchema, response.body)
  }

  it('saves a card sealed: the PAN appears in no table, the CVC has nowhere to go', async () => {
    const response = await create('cust-a', PAN, 'tok-key-1')
    expect(response.status).toBe(200)
    const created = v.parse(TokenCreatedSchema, response.body)
    expect(created).toMatchObject({ customer: { id: 'cust-a' }, card: { masked: '555555******4444', brand: 'mastercard', year: 2032, month: 4, holder: 'JOHN ROE' } })
    expect(created.token).toMatch(/^tok_/)
    for (const table of ['card_tokens', 'idempotency_keys', 'payments', 'operations', 'callback_outbox']) {
      const rows = await sql.query(`SELECT * FROM ${table}`)
      expect(JSON.stringify(rows)).not.toContain(PAN)
    }
  })

  it('lists a customer’s cards only, and deletes them for good', async () => {
    const a = v.parse(TokenCreatedSchema, (await create('cust-b')).body).token
    const b = v.parse(TokenCreatedSchema, (await create('cust-b', '4242424242424242')).body).token
    await create('cust-c')
    expect((await list('cust-b')).map((x) => x.token).sort()).toEqual([a, b].sort())
    const deleted = await remove('cust-b', a)
    expect(v.parse(TokenDeletedSchema, deleted.body)).toMatchObject({ status: 'success', token: a })
    expect((await list('cust-b')).map((x) => x.token)).toEqual([b])
    expect(errorOf(await remove('cust-b', a), 404).code).toBe('token_not_found')
    const charge = await gate(t.app, '/v2/payment/card/recurring', { general: general('after-delete'), payment: { amount: 100, currency: 'EUR' }, customer: { id: 'cust-b' }, account_token: a })
    expect(errorOf(charge, 404).code).toBe('token_not_found')
  })

  it('refuses to delete another customer’s card', async () => {
    const token = v.parse(TokenCreatedSchema, (await create('owner')).body).token
    expect(errorOf(await remove('intruder', token), 404).code).toBe('token_not_found')
    expect(await list('owner')).toHaveLength(1)
  })

  it('refuses an invalid card, a missing customer and a bad signature', async () => {
    expect(errorOf(await create('cust-d', '5555555555554445'), 400)).toMatchObject({ code: 'validation_failed', param: 'card.pan' })
    expect(errorOf(await gate(t.app, '/v2/token/card/create', { general: general(), card: { pan: PAN, year: 2032, month: 4 } }), 400).param).toBe('customer')
    expect(errorOf(await gate(t.app, '/v2/token/card/list', { general: general(), customer: { id: 'x' } }, { secret: 'bad' }), 403).code).toBe('invalid_signature')
  })

  it('replays a creation for the same key: one card saved', async () => {
    const first = await create('cust-e', PAN, 'tok-key-e')
    const again = await create('cust-e', PAN, 'tok-key-e')
    expect(again.body).toEqual(first.body)
    expect(await list('cust-e')).toHaveLength(1)
  })
})
