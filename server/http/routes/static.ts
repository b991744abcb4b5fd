import { Hono } from 'hono'
import type { AppDeps, AppEnv } from '../deps.ts'

const IMMUTABLE = 'public, max-age=31536000, immutable'

/** Built assets: hashed page files and the widget (SPEC §11), with long-lived cache headers. */
export function staticRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/page/assets/:file', (c) => {
    const file = deps.assets.pageFiles.get(c.req.param('file'))
    if (!file) return c.notFound()
    c.header('Cache-Control', IMMUTABLE)
    c.header('Content-Type', file.type)
    return c.body(file.body)
  })

  const widget = deps.assets.widget
  const script = (body: ArrayBuffer, cache: string) =>
    new Response(body, {
      headers: {
        'Content-Type': 'text/javascript; charset=utf-8',
        'Cache-Control': cache,
        // Merchants load it cross-origin with `integrity=`, which needs CORS.
        'Access-Control-Allow-Origin': '*',
        'Cross-Origin-Resource-Policy': 'cross-origin',
        'X-Content-Type-Options': 'nosniff',
      },
    })
  app.get('/widget/v1/merchant.js', (c) => (widget ? script(widget.iife, IMMUTABLE) : c.notFound()))
  app.get('/widget/v1/merchant.mjs', (c) => (widget ? script(widget.esm, IMMUTABLE) : c.notFound()))
  // The path ECommPay merchants already use; short cache because it is not versioned.
  app.get('/shared/merchant.js', (c) => (widget ? script(widget.iife, 'public, max-age=300') : c.notFound()))
  app.get('/widget/v1/manifest.json', (c) => {
    if (!widget) return c.notFound()
    c.header('Access-Control-Allow-Origin', '*')
    return c.json({ version: 'v1', url: '/widget/v1/merchant.js', integrity: widget.sha384, module: '/widget/v1/merchant.mjs' })
  })
  return app
}
