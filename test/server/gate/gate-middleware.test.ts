import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateErrorSchema } from '../../../protocol/schemas/gate-views.ts'
import { sign } from '../../../server/signature/signature.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { card, gate, gateTestApp, general, orderId, signGate } from '../../fixtures/gate.ts'
import { TEST_PROJECT, fixedClock } from '../../fixtures/test-app.ts'

// The two middlewares every Gate request passes: gate-signature.ts, then idempotency.ts.
describe.each(testDatabases())('Gate request pipeline on $name', (db) => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  const clock = fixedClock()
  beforeAll(async () => {
    sql = await db.open()
    t = await gateTestApp(sql, { clock })
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  describe('signature verification', () => {
    const sale = (paymentId = orderId()) => ({ general: general(paymentId), payment: { amount: 1000, currency: 'EUR' }, card: card() })
    const payments = async () => Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM payments'))[0]!.n)
    const expectGateError = (response: { status: number; body: unknown }, status: number, code: string) => {
      expect(response.status).toBe(status)
      const error = v.parse(GateErrorSchema, response.body)
      expect(error.code).toBe(code)
      // Card data never comes back, whatever went wrong.
      expect(JSON.stringify(response.body)).not.toMatch(/4242424242424242|"123"/)
      return error
    }
    const raw = (body: string, contentType = 'application/json') =>
      t.app.request('/v2/payment/card/sale', { method: 'POST', headers: { 'content-type': contentType }, body })

    it('accepts a request signed with the project secret, in general.signature', async () => {
      const { status, body } = await gate(t.app, '/v2/payment/card/sale', sale())
      expect(status).toBe(200)
      expect(body['status']).toBe('success')
    })

    it('refuses a wrong signature with the ECommPay error shape and creates nothing', async () => {
      const before = await payments()
      const response = await gate(t.app, '/v2/payment/card/sale', sale(), { secret: 'not-the-secret' })
      expect(expectGateError(response, 403, 'invalid_signature').param).toBe('general.signature')
      expect(await payments()).toBe(before)
    })

    it('refuses a body changed after signing', async () => {
      const signed = signGate(sale())
      const response = await raw(JSON.stringify({ ...signed, payment: { amount: 1, currency: 'EUR' } }))
      expectGateError({ status: response.status, body: await response.json() }, 403, 'invalid_signature')
    })

    it('refuses an unsigned request and an unknown project', async () => {
      expectGateError(await gate(t.app, '/v2/payment/card/sale', sale(), { unsigned: true }), 403, 'invalid_signature')
      const other = { ...sale(), general: { project_id: 999_999, payment_id: orderId() } }
      expectGateError(await gate(t.app, '/v2/payment/card/sale', other), 403, 'unknown_project')
    })

    it('refuses duplicate JSON keys, which two parsers could read differently', async () => {
      const signed = JSON.stringify(signGate(sale()))
      const duplicated = signed.replace('"payment":{', '"payment":{"amount":1,')
      const response = await raw(duplicated)
      expectGateError({ status: response.status, body: await response.json() }, 400, 'duplicate_parameter')
    })

    it('refuses ";" in a value, the separator of the string to sign', async () => {
      const body = { ...sale(), payment: { amount: 1000, currency: 'EUR', description: 'tea; milk' } }
      expect(expectGateError(await gate(t.app, '/v2/payment/card/sale', body), 400, 'forbidden_character').param).toBe('payment.description')
    })

    it('refuses malformed JSON, a non-object and a wrong content type', async () => {
      for (const [body, type] of [['{"general":', 'application/json'], ['[1,2]', 'application/json'], ['{}', 'text/plain']] as const) {
        const response = await raw(body, type)
        expectGateError({ status: response.status, body: await response.json() }, 400, 'validation_failed')
      }
    })

    it('names the bad field without echoing its value', async () => {
      const body = { ...sale(), card: { ...card(), pan: 4242424242424242 } }
      const error = expectGateError(await gate(t.app, '/v2/payment/card/sale', body), 400, 'validation_failed')
      expect(error.param).toBe('card.pan')
    })

    it('accepts the previous secret during its grace period after a rotation', async () => {
      const rotated = await t.deps.projects.rotateSecret(TEST_PROJECT.id, clock.now())
      try {
        expect(rotated.secrets[1]).toBe(TEST_PROJECT.secret)
        expect((await gate(t.app, '/v2/payment/card/sale', sale())).status).toBe(200)
        expect((await gate(t.app, '/v2/payment/card/sale', sale(), { secret: rotated.secrets[0]! })).status).toBe(200)
      } finally {
        await sql.query('UPDATE projects SET secret = $1, previous_secret = NULL WHERE id = $2', [TEST_PROJECT.secret, TEST_PROJECT.id])
      }
    })

    it('answers unknown Gate routes in the Gate error shape', async () => {
      const response = await gate(t.app, '/v2/nothing/here', { general: general() })
      expectGateError(response, 404, 'not_found')
    })

    it('signs nested bodies exactly as the ECommPay SDK does', async () => {
      // The SDK's signer flattens nested objects; EPay must verify what it produces.
      const { createRequire } = await import('node:module')
      const { signer } = createRequire(import.meta.url)('ecommpay') as { signer: (o: object, s: string) => string }
      const body = sale()
      expect(sign(body, TEST_PROJECT.secret)).toBe(signer(body, TEST_PROJECT.secret))
      const response = await raw(JSON.stringify({ ...body, general: { ...body.general, signature: signer(body, TEST_PROJECT.secret) } }))
      expect(response.status).toBe(200)
    })
  })

  describe('Idempotency-Key', () => {
    const saleBody = (paymentId: string) => ({ general: general(paymentId), payment: { amount: 1234, currency: 'EUR' }, card: card() })
    const operations = async (paymentId: string) =>
      Number((await sql.query<{ n: string }>('SELECT count(*) AS n FROM operations o JOIN payments p ON p.id = o.payment_row_id WHERE p.payment_id = $1', [paymentId]))[0]!.n)
    const errorOf = (response: { status: number; body: unknown }, code: number) => {
      expect(response.status).toBe(code)
      return v.parse(GateErrorSchema, response.body)
    }

    it('answers a repeated request with the stored answer, and stores no card data', async () => {
      const id = orderId()
      const first = await gate(t.app, '/v2/payment/card/sale', saleBody(id), { key: 'k-replay' })
      const second = await gate(t.app, '/v2/payment/card/sale', saleBody(id), { key: 'k-replay' })
      expect(second.status).toBe(first.status)
      expect(second.body).toEqual(first.body)
      expect(first.headers.get('idempotent-replayed')).toBeNull()
      expect(second.headers.get('idempotent-replayed')).toBe('true')
      expect(await operations(id)).toBe(1)
      const stored = JSON.stringify(await sql.query('SELECT * FROM idempotency_keys'))
      expect(stored).not.toContain('4242424242424242')
      expect(stored).not.toMatch(/cvv|"123"/)
    })

    it('compares signed parameters, not bytes: key order and spacing do not matter', async () => {
      const id = orderId()
      const body = saleBody(id)
      const first = await gate(t.app, '/v2/payment/card/sale', body, { key: 'k-order' })
      const reordered = { card: body.card, payment: body.payment, general: body.general }
      const second = await gate(t.app, '/v2/payment/card/sale', reordered, { key: 'k-order' })
      expect(second.body).toEqual(first.body)
    })

    it('refuses the same key with another request, or on another route', async () => {
      const id = orderId()
      await gate(t.app, '/v2/payment/card/sale', saleBody(id), { key: 'k-reuse' })
      const other = await gate(t.app, '/v2/payment/card/sale', { ...saleBody(id), payment: { amount: 999, currency: 'EUR' } }, { key: 'k-reuse' })
      expect(errorOf(other, 409)).toMatchObject({ code: 'idempotency_key_reused', param: 'Idempotency-Key' })
      expect(errorOf(await gate(t.app, '/v2/payment/card/auth', saleBody(id), { key: 'k-reuse' }), 409).code).toBe('idempotency_key_reused')
    })

    it('refuses a duplicate while the first is still running', async () => {
      const id = orderId()
      await gate(t.app, '/v2/payment/card/capture', { general: general(id) }, { key: 'k-flight' })
      // As if the first request were still running: its claim is in flight and its lease not over.
      await sql.query(`UPDATE idempotency_keys SET state = 'in_flight', locked_until = $1 WHERE key = 'k-flight'`, [new Date(clock.now().getTime() + 60_000)])
      expect(errorOf(await gate(t.app, '/v2/payment/card/capture', { general: general(id) }, { key: 'k-flight' }), 409).code).toBe('conflict')
      // A claim whose process died is taken over once its lease has passed.
      clock.advance(61_000)
      expect(errorOf(await gate(t.app, '/v2/payment/card/capture', { general: general(id) }, { key: 'k-flight' }), 404).code).toBe('payment_not_found')
    })

    it('keeps answers 24 hours, then the key is free again', async () => {
      const id = orderId()
      await gate(t.app, '/v2/payment/card/sale', saleBody(id), { key: 'k-ttl' })
      clock.advance(23 * 3600_000)
      expect((await gate(t.app, '/v2/payment/card/sale', saleBody(id), { key: 'k-ttl' })).headers.get('idempotent-replayed')).toBe('true')
      clock.advance(3600_000 + 1_000)
      // Past 24 hours the request runs again: the payment id is used, so now it is refused.
      expect(errorOf(await gate(t.app, '/v2/payment/card/sale', saleBody(id), { key: 'k-ttl' }), 409).code).toBe('payment_exists')
    })

    it('keeps an error answer, except a retryable one', async () => {
      const id = orderId()
      const missing = await gate(t.app, '/v2/payment/card/capture', { general: general(id) }, { key: 'k-error' })
      expect(missing.status).toBe(404)
      const replay = await gate(t.app, '/v2/payment/card/capture', { general: general(id) }, { key: 'k-error' })
      expect(replay.headers.get('idempotent-replayed')).toBe('true')
      const rows = await sql.query(`SELECT state FROM idempotency_keys WHERE key = 'k-error'`)
      expect(rows).toEqual([{ state: 'done' }])
    })

    it('scopes keys per project and validates the key', async () => {
      await t.deps.projects.add({ id: 4343, name: 'Other', secret: 'other-secret', testMode: true })
      const id = orderId()
      await gate(t.app, '/v2/payment/card/sale', saleBody(id), { key: 'k-shared' })
      const other = await gate(t.app, '/v2/payment/card/sale', { ...saleBody(id), general: { project_id: 4343, payment_id: id } }, { key: 'k-shared', secret: 'other-secret' })
      expect(other.status).toBe(200)
      expect(other.headers.get('idempotent-replayed')).toBeNull()
      const badKey = await gate(t.app, '/v2/payment/card/sale', saleBody(orderId()), { key: 'has space' })
      expect(errorOf(badKey, 400).param).toBe('Idempotency-Key')
    })
  })
})
