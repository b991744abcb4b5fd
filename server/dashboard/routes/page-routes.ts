import type { Hono } from 'hono'
import { PaymentError } from '../../domain/errors.ts'
import { contentSecurityPolicy, withNonce } from '../../http/csp.ts'
import type { AppEnv } from '../../http/deps.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'

/**
 * The dashboard app at /dashboard/ (every client-side route gets the same document) with the
 * hosted page's strict nonce CSP and `frame-ancestors 'none'`: no site may frame the
 * back office (clickjacking a refund or a team change).
 */
export function pageRoutes(app: Hono<AppEnv>, deps: DashboardDeps): void {
  app.get('/dashboard', (c) => c.redirect('/dashboard/', 301))
  app.get('/dashboard/assets/:file', (c) => {
    const file = deps.assets()?.files.get(c.req.param('file'))
    if (!file) return c.notFound()
    c.header('Cache-Control', 'public, max-age=31536000, immutable')
    c.header('Content-Type', file.type)
    return c.body(file.body)
  })
  app.get('/dashboard/*', (c) => {
    const assets = deps.assets()
    if (!assets) throw new PaymentError('not_found', 'the dashboard is not built: run `npm run build`')
    const nonce = c.get('nonce')
    c.header('Content-Security-Policy', contentSecurityPolicy(nonce, { frameAncestors: [] }))
    c.header('Cache-Control', 'no-store')
    c.header('X-Frame-Options', 'DENY')
    // Demo mode keeps mail on the server: the sign-in page links to it.
    const html = deps.mailer.keepsMail ? assets.html.replace('</head>', '<meta name="epay-dev-mail" content="1"></head>') : assets.html
    return c.html(withNonce(html, nonce))
  })
}
