import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GateErrorSchema } from '../../../protocol/schemas/gate-views.ts'
import { GATE_OPERATIONS } from '../../../server/http/openapi.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { card, gate, gateTestApp, general, signGate } from '../../fixtures/gate.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

type Schema = { [key: string]: unknown }
type Doc = { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>; components: { schemas: Record<string, Schema> } }

/** A small JSON Schema checker for the keywords the document uses; returns what does not match. */
function mismatches(value: unknown, schema: Schema, doc: Doc, at = '$'): string[] {
  if (typeof schema['$ref'] === 'string') return mismatches(value, doc.components.schemas[String(schema['$ref']).split('/').pop()!]!, doc, at)
  if (Array.isArray(schema['anyOf'])) {
    return (schema['anyOf'] as Schema[]).some((s) => mismatches(value, s, doc, at).length === 0) ? [] : [`${at}: matches no anyOf branch`]
  }
  const out: string[] = []
  const type = schema['type']
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : Number.isInteger(value) ? 'integer' : typeof value
  if (type && !(type === actual || (type === 'number' && actual === 'integer'))) return [`${at}: is ${actual}, documented ${String(type)}`]
  if ('const' in schema && schema['const'] !== value) out.push(`${at}: is not ${String(schema['const'])}`)
  if (Array.isArray(schema['enum']) && !schema['enum'].includes(value)) out.push(`${at}: ${String(value)} is not in the enum`)
  if (typeof schema['pattern'] === 'string' && !new RegExp(schema['pattern']).test(String(value))) out.push(`${at}: does not match ${schema['pattern']}`)
  if (actual === 'array') (value as unknown[]).forEach((item, i) => out.push(...mismatches(item, schema['items'] as Schema, doc, `${at}[${i}]`)))
  if (actual === 'object') {
    const record = value as Record<string, unknown>
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>
    for (const key of (schema['required'] ?? []) as string[]) if (!(key in record)) out.push(`${at}.${key}: is documented as required`)
    for (const [key, item] of Object.entries(record)) {
      if (properties[key]) out.push(...mismatches(item, properties[key], doc, `${at}.${key}`))
      else if (schema['additionalProperties'] && typeof schema['additionalProperties'] === 'object') out.push(...mismatches(item, schema['additionalProperties'] as Schema, doc, `${at}.${key}`))
      else if (schema['properties']) out.push(`${at}.${key}: is not documented`)
    }
  }
  return out
}

// One valid request per documented operation, in an order where each finds what it needs.
const CARD = { pan: '4242424242424242', year: 2033, month: 7 }
const EXAMPLES: Array<[string, Record<string, unknown>]> = [
  ['/v2/payment/card/sale', { general: general('doc-sale'), payment: { amount: 5000, currency: 'EUR', description: 'Tea' }, customer: { id: 'c1', ip_address: '203.0.113.1' }, card: card() }],
  ['/v2/payment/card/auth', { general: general('doc-auth'), payment: { amount: 3000, currency: 'EUR' }, card: card() }],
  ['/v2/payment/card/capture', { general: general('doc-auth'), payment: { amount: 2000, currency: 'EUR' } }],
  ['/v2/payment/card/refund', { general: general('doc-sale'), payment: { amount: 100 } }],
  ['/v2/payment/refund', { general: general('doc-sale'), payment: { amount: 100 } }],
  ['/v2/payment/card/cancel', { general: general('doc-auth') }],
  ['/v2/token/card/create', { general: general(), customer: { id: 'c1' }, card: CARD }],
  ['/v2/payment/card/recurring', { general: general('doc-rec'), payment: { amount: 700, currency: 'EUR' }, customer: { id: 'c1' }, account_token: '$token' }],
  ['/v2/payment/wallet/jeton/sale', { general: general('doc-wallet'), payment: { amount: 1500, currency: 'EUR' } }],
  ['/v2/payment/wallet/jeton/payout', { general: general('doc-po'), payment: { amount: 20400, currency: 'EUR' }, account: { number: 'JT100' } }],
  ['/v2/payment/card/payout', { general: general('doc-card-po'), payment: { amount: 1000, currency: 'EUR' }, card: CARD }],
  ['/v2/token/card/list', { general: general(), customer: { id: 'c1' } }],
  ['/v2/token/card/delete', { general: general(), customer: { id: 'c1' }, token: '$token' }],
  ['/v2/payment/status', { general: general('doc-sale') }],
  ['/v2/payment/callbacks', { general: general('doc-sale') }],
  ['/v2/operations/get', { general: general(), status: ['success'], limit: 3 }],
  ['/v2/balance', { general: general(), currency: 'EUR' }],
]

describe('the OpenAPI document of the Gate API', () => {
  let sql: Sql
  let t: Awaited<ReturnType<typeof gateTestApp>>
  let doc: Doc
  beforeAll(async () => {
    sql = await memoryDatabase()
    t = await gateTestApp(sql)
    const response = await t.app.request('/v2/openapi.json')
    expect(response.status).toBe(200)
    doc = (await response.json()) as Doc
  })
  afterAll(async () => {
    await t.close()
    await sql.close()
  })

  it('documents exactly the Gate routes the server has', () => {
    const served = t.app.routes
      .filter((r) => r.path.startsWith('/v2/') && r.method !== 'ALL' && !r.path.includes('*'))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, '{$1}')}`)
    const documented = Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`))
    expect([...new Set(served)].sort()).toEqual(documented.sort())
    expect(doc.openapi).toBe('3.1.0')
  })

  it('resolves every reference', () => {
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []
    for (const ref of refs) expect(doc.components.schemas[ref.split('/').pop()!], ref).toBeDefined()
  })

  it('describes the requests the server accepts and the answers it gives', async () => {
    expect(EXAMPLES.map(([p]) => p.replace('/jeton/', '/{method}/')).sort()).toEqual(GATE_OPERATIONS.filter((o) => o.method === 'post').map((o) => o.path).sort())
    let token = ''
    for (const [path, example] of EXAMPLES) {
      const body = JSON.parse(JSON.stringify(example).replaceAll('$token', token)) as Record<string, unknown>
      const operation = doc.paths[path.replace('/jeton/', '/{method}/')]!['post']!
      expect(mismatches(signGate(body as never), operation.requestBody!.content['application/json']!.schema, doc), `${path} example`).toEqual([])
      const response = await gate(t.app, path, body as never)
      expect(response.status, `${path}: ${JSON.stringify(response.body)}`).toBe(200)
      expect(mismatches(response.body, operation.responses['200']!.content!['application/json']!.schema, doc), path).toEqual([])
      if (path === '/v2/token/card/create') token = String(response.body['token'])
    }
  })

  it('requires what it documents as required', async () => {
    for (const o of GATE_OPERATIONS.filter((op) => op.request)) {
      const schema = doc.components.schemas[o.request!.name]!
      for (const key of (schema['required'] ?? []) as string[]) {
        if (key === 'general') continue
        const [, example] = EXAMPLES.find(([p]) => p.replace('/jeton/', '/{method}/') === o.path)!
        const { [key]: _dropped, ...rest } = example
        const response = await gate(t.app, o.path.replace('{method}', 'jeton'), rest as never)
        expect(response.status, `${o.path} without ${key}`).toBe(400)
        expect(v.parse(GateErrorSchema, response.body).param, `${o.path} without ${key}`).toBe(key)
      }
    }
  })

  it('documents the error and callback shapes', async () => {
    const error = await gate(t.app, '/v2/payment/status', { general: general('missing') })
    expect(mismatches(error.body, { $ref: '#/components/schemas/GateError' }, doc)).toEqual([])
    await t.dispatcher.tick()
    expect(t.receiver.received.length).toBeGreaterThan(3)
    for (const { body } of t.receiver.received) expect(mismatches(JSON.parse(body), { $ref: '#/components/schemas/Callback' }, doc)).toEqual([])
  })
})
