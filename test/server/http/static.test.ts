import { createHash } from 'node:crypto'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../../server/compose.ts'
import { loadAssets } from '../../../server/assets.ts'
import { createApp } from '../../../server/http/app.ts'
import type { Sql } from '../../../server/storage/sql.ts'
import { makeTestApp } from '../../fixtures/test-app.ts'
import { memoryDatabase } from '../../fixtures/databases.ts'

// The real build output (npm test builds it first), served through the real routes.
describe('widget delivery', () => {
  let sql: Sql
  let app: ReturnType<typeof createApp>
  beforeAll(async () => {
    sql = await memoryDatabase()
    const t = await makeTestApp(sql)
    app = createApp({ ...t.deps, assets: loadAssets(REPO_ROOT, false) })
  })
  afterAll(() => sql.close())

  it('publishes in the manifest the sha384 of the exact bytes it serves', async () => {
    const script = await app.request('/widget/v1/merchant.js')
    expect(script.status).toBe(200)
    const bytes = new Uint8Array(await script.arrayBuffer())
    const manifest = (await (await app.request('/widget/v1/manifest.json')).json()) as { integrity: string }
    expect(manifest.integrity).toBe(`sha384-${createHash('sha384').update(bytes).digest('base64')}`)
  })

  it('serves the versioned URL immutable and cross-origin readable, and the ECommPay path too', async () => {
    const versioned = await app.request('/widget/v1/merchant.js')
    expect(versioned.headers.get('cache-control')).toContain('immutable')
    expect(versioned.headers.get('access-control-allow-origin')).toBe('*')
    const legacy = await app.request('/shared/merchant.js')
    expect(legacy.status).toBe(200)
    expect(Buffer.from(await legacy.arrayBuffer()).equals(Buffer.from(await versioned.arrayBuffer()))).toBe(true)
    expect((await app.request('/widget/v1/merchant.mjs')).status).toBe(200)
  })

  it('serves the precompressed bytes the client accepts, which decode to the exact file', async () => {
    const plain = Buffer.from(await (await app.request('/widget/v1/merchant.js')).arrayBuffer())
    const br = await app.request('/widget/v1/merchant.js', { headers: { 'accept-encoding': 'gzip, deflate, br' } })
    expect(br.headers.get('content-encoding')).toBe('br')
    expect(br.headers.get('vary')).toContain('Accept-Encoding')
    const brBytes = Buffer.from(await br.arrayBuffer())
    expect(Number(br.headers.get('content-length'))).toBe(brBytes.length)
    expect(brotliDecompressSync(brBytes).equals(plain)).toBe(true)
    const gz = await app.request('/widget/v1/merchant.js', { headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(plain)).toBe(true)
    const refused = await app.request('/widget/v1/merchant.js', { headers: { 'accept-encoding': 'br;q=0, gzip;q=0' } })
    expect(refused.headers.get('content-encoding')).toBeNull()
    expect(Buffer.from(await refused.arrayBuffer()).equals(plain)).toBe(true)
  })

  it('serves the page bundle precompressed with an immutable cache', async () => {
    const names = [...loadAssets(REPO_ROOT, false).pageFiles.keys()].filter((n) => n.endsWith('.js'))
    expect(names.length).toBeGreaterThan(0)
    const response = await app.request(`/page/assets/${names[0]}`, { headers: { 'accept-encoding': 'br' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-encoding')).toBe('br')
    expect(response.headers.get('cache-control')).toContain('immutable')
    expect(response.headers.get('content-type')).toContain('javascript')
  })

  // A dynamic import's preload helper is written into the chunk late in Vite's build: bytes
  // compressed before that were a different program (`__VITE_PRELOAD__ is not defined` in every
  // browser that accepts br or gzip, on any page that loads a language chunk).
  it('serves every page file, compressed or not, as the same program', async () => {
    const names = [...loadAssets(REPO_ROOT, false).pageFiles.keys()].filter((n) => /\.(m?js|css)$/.test(n))
    for (const name of names) {
      const plain = Buffer.from(await (await app.request(`/page/assets/${name}`)).arrayBuffer())
      expect(plain.toString('utf8')).not.toContain('__VITE_PRELOAD__')
      const br = await app.request(`/page/assets/${name}`, { headers: { 'accept-encoding': 'br' } })
      expect(br.headers.get('content-encoding'), name).toBe('br')
      expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).equals(plain), name).toBe(true)
      const gz = await app.request(`/page/assets/${name}`, { headers: { 'accept-encoding': 'gzip' } })
      expect(gz.headers.get('content-encoding'), name).toBe('gzip')
      expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(plain), name).toBe(true)
    }
  })
})
