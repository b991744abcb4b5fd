import { Hono, type Context } from 'hono'
import { chooseEncoding, precompress, type Encoded } from '../content-encoding.ts'
import type { AppDeps, AppEnv, Precompressed } from '../deps.ts'

const IMMUTABLE = 'public, max-age=31536000, immutable'

/** Built assets: hashed page files and the widget (SPEC §11), with long-lived cache headers. */
export function staticRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  // Compressed at build (vite.config.ts); a build without the .br/.gz files gets them made once,
  // on first use. Either way no static file is compressed per request.
  const pageFiles = new Map([...deps.assets.pageFiles].map(([name, file]) => [name, { type: file.type, encoded: encodings(file.body, file.encoded) }]))
  app.get('/page/assets/:file', (c) => {
    const file = pageFiles.get(c.req.param('file'))
    if (!file) return c.notFound()
    return encodedResponse(c, file.encoded(), { 'Content-Type': file.type, 'Cache-Control': IMMUTABLE })
  })

  const widget = deps.assets.widget
  const iife = widget ? encodings(widget.iife, widget.encoded?.iife)() : undefined
  const esm = widget ? encodings(widget.esm, widget.encoded?.esm)() : undefined
  const script = (c: Context<AppEnv>, body: Encoded, cache: string) =>
    encodedResponse(c, body, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': cache,
      // Merchants load it cross-origin with `integrity=`, which needs CORS.
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
    })
  app.get('/widget/v1/merchant.js', (c) => (iife ? script(c, iife, IMMUTABLE) : c.notFound()))
  app.get('/widget/v1/merchant.mjs', (c) => (esm ? script(c, esm, IMMUTABLE) : c.notFound()))
  // The path ECommPay merchants already use; short cache because it is not versioned.
  app.get('/shared/merchant.js', (c) => (iife ? script(c, iife, 'public, max-age=300') : c.notFound()))
  app.get('/widget/v1/manifest.json', (c) => {
    if (!widget) return c.notFound()
    c.header('Access-Control-Allow-Origin', '*')
    return c.json({ version: 'v1', url: '/widget/v1/merchant.js', integrity: widget.sha384, module: '/widget/v1/merchant.mjs' })
  })
  return app
}

function encodings(body: ArrayBuffer, built: Precompressed | undefined): () => Encoded {
  let encoded: Encoded | undefined = built ? { identity: new Uint8Array(body), ...built } : undefined
  return () => (encoded ??= precompress(body))
}

/** The precompressed bytes the client accepts (integrity covers the decoded bytes, so any will do). */
function encodedResponse(c: Context<AppEnv>, body: Encoded, headers: Record<string, string>): Response {
  const encoding = chooseEncoding(c.req.header('accept-encoding'))
  const bytes = encoding ? body[encoding] : body.identity
  for (const [name, value] of Object.entries(headers)) c.header(name, value)
  c.header('Vary', 'Accept-Encoding')
  if (encoding) c.header('Content-Encoding', encoding)
  c.header('Content-Length', String(bytes.byteLength))
  return c.body(bytes as Uint8Array<ArrayBuffer>)
}
