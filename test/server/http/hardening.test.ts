import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkReturnUrl } from '../../../server/domain/return-url.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { TEST_PROJECT, makeTestApp, paymentParams, signedQuery } from '../../fixtures/test-app.ts'

const LIVE = { id: 4343, secret: 'live-secret-4343' } as const

describe.each(testDatabases())('HTTP hardening on $name', (db) => {
  let sql: Sql
  let tlsSql: Sql
  let plain: Awaited<ReturnType<typeof makeTestApp>>
  let tls: Awaited<ReturnType<typeof makeTestApp>>
  beforeAll(async () => {
    sql = await db.open()
    plain = await makeTestApp(sql)
    await plain.deps.projects.add({ id: LIVE.id, name: 'Live Shop', secret: LIVE.secret, returnHosts: ['shop.example'], allowedOrigins: ['https://shop.example'], testMode: false })
    tlsSql = await db.open()
    tls = await makeTestApp(tlsSql, { env: { PUBLIC_URL: 'https://pay.example' } })
  })
  afterAll(async () => {
    await sql.close()
    await tlsSql.close()
  })

  const count = async () => Number((await sql.query<{ n: unknown }>('SELECT count(*) AS n FROM payments'))[0]!.n)

  // @see issue 9 item 7: no Strict-Transport-Security although EPay was served over https.
  it('sends HSTS on every response when the public URL is https, and never over plain http', async () => {
    for (const path of ['/healthz', '/no-such-route', `/payment?${signedQuery(paymentParams())}`]) {
      expect((await tls.app.request(path)).headers.get('strict-transport-security'), path).toBe('max-age=31536000')
      expect((await plain.app.request(path)).headers.get('strict-transport-security'), path).toBeNull()
    }
  })

  // @see issue 9 item 7: `HEAD /payment` ran the GET handler and created the payment.
  it('answers HEAD /payment without creating a payment or a session', async () => {
    const before = await count()
    const params = paymentParams()
    const head = await plain.app.request(`/payment?${signedQuery(params)}`, { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-type')).toMatch(/^text\/html/)
    expect(head.headers.get('cache-control')).toBe('no-store')
    expect(await head.text()).toBe('')
    expect(await count()).toBe(before)
    // A bad signature still answers its error status, still creating nothing.
    const forged = signedQuery(params)
    forged.set('payment_amount', '1')
    expect((await plain.app.request(`/payment?${forged}`, { method: 'HEAD' })).status).toBe(403)
    expect(await count()).toBe(before)
    // The GET that follows creates it as usual.
    expect((await plain.app.request(`/payment?${signedQuery(params)}`)).status).toBe(200)
    expect(await count()).toBe(before + 1)
  })

  // @see issue 9 item 7: a live project accepted http return URLs.
  it('refuses http return URLs for live projects, and keeps them for test projects', async () => {
    const live = paymentParams({ project_id: LIVE.id, merchant_success_url: 'http://shop.example/ok' })
    const refused = await plain.app.request(`/payment?${signedQuery(live, LIVE.secret)}`)
    expect(refused.status).toBe(400)
    expect(await refused.text()).toContain('return_url_not_allowed')
    const test = paymentParams({ project_id: TEST_PROJECT.id, merchant_success_url: 'http://shop.example/ok' })
    expect((await plain.app.request(`/payment?${signedQuery(test)}`)).status).toBe(200)
  })

  // @see issue 9 item 7: a leaked secret kept signing payments for 24 hours after rotation.
  it('stops accepting the old secret at once when rotated with revokeOld', async () => {
    const project = { id: 4444, secret: 'rotating-secret-4444' }
    await plain.deps.projects.add({ id: project.id, name: 'Rotating Shop', secret: project.secret, testMode: true })
    const open = (secret: string) => plain.app.request(`/payment?${signedQuery(paymentParams({ project_id: project.id }), secret)}`)
    const now = plain.deps.clock.now()
    const graced = await plain.deps.projects.rotateSecret(project.id, now)
    expect((await open(project.secret)).status).toBe(200)
    const revoked = await plain.deps.projects.rotateSecret(project.id, now, { revokeOld: true })
    expect(revoked.secrets).toHaveLength(1)
    expect((await open(graced.secrets[0]!)).status).toBe(403)
    expect((await open(project.secret)).status).toBe(403)
    expect((await open(revoked.secrets[0]!)).status).toBe(200)
  })
})

describe('checkReturnUrl', () => {
  const live = { returnHosts: ['shop.example', 'shop.example:8443'], testMode: false }
  const test = { ...live, testMode: true }
  it.each([
    ['https://shop.example/ok', live, true],
    ['https://shop.example:8443/ok', live, true],
    ['http://shop.example/ok', live, false],
    ['http://shop.example/ok', test, true],
    ['https://evil.example/ok', test, false],
    ['https://shop.example@evil.example/ok', live, false],
    ['javascript:alert(1)', test, false],
  ] as const)('%s for a %o project: allowed %s', (url, project, allowed) => {
    const check = () => checkReturnUrl(url, 'merchant_success_url', project)
    if (allowed) expect(check).not.toThrow()
    else expect(check).toThrow(expect.objectContaining({ code: 'return_url_not_allowed' }))
  })
})
