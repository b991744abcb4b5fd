import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { compress } from 'hono/compress'
import { HTTPException } from 'hono/http-exception'
import { PaymentError } from '../domain/errors.ts'
import type { AppDeps, AppEnv } from './deps.ts'
import { HTTP, errorEnvelope } from './error-response.ts'
import { errorPageLanguage, renderErrorPage } from './error-page.ts'
import { contentSecurityPolicy, newNonce, withNonce } from './csp.ts'
import { demoRoutes } from './routes/demo.ts'
import { pageApiRoutes } from './routes/page-api.ts'
import { paymentPageRoutes } from './routes/payment-page.ts'
import { invoiceLinkRoutes } from './routes/invoice-link.ts'
import { staticRoutes } from './routes/static.ts'
import { paymentReturnRoutes } from './routes/payment-return.ts'
import { simulatorRoutes } from './routes/simulators.ts'
import type { ErrorCode } from '../../protocol/errors.ts'
import { gateError } from './gate-error.ts'
import { gateRoutes, isGatePath } from './routes/gate/gate-routes.ts'
import { upstreamRoutes } from './routes/upstream.ts'
import { dashboardRoutes } from '../dashboard/dashboard-routes.ts'
import { DOCUMENT_UPLOAD_PATH } from '../dashboard/routes/golive-routes.ts'

/**
 * Builds the HTTP app. `onError` is the only place an error becomes a response: HTML error
 * pages for the shopper-facing `/payment` and `/invoice/…`, the JSON envelope everywhere else, and never a
 * stack trace or the request's own input.
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  // Served at an https origin (usually behind a TLS proxy): browsers must never fall back to
  // http, where card forms and session tokens could be read or rewritten. No includeSubDomains:
  // EPay may live under a merchant's domain whose other hosts are not EPay's to decide.
  const hsts = deps.publicUrl.startsWith('https://') ? 'max-age=31536000' : undefined

  app.use(async (c, next) => {
    c.set('requestId', `req_${deps.ids.request()}`)
    c.set('nonce', newNonce())
    await next()
    c.header('X-Request-Id', c.get('requestId'))
    c.header('X-Content-Type-Options', 'nosniff')
    c.header('Referrer-Policy', 'no-referrer')
    if (hsts) c.header('Strict-Transport-Security', hsts)
  })
  // The page's JS and CSS shrink to a third: on a slow mobile link that is most of the load time.
  app.use(compress())
  const smallBodies = bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new PaymentError('payload_too_large', 'the request body is too large')
    },
  })
  app.use('*', (c, next) => {
    // GET and HEAD have no body here (the Node adapter gives them none), and asking Hono's limit
    // about one makes the adapter build a whole WHATWG Request for every page view (~3 % of
    // GET /payment's CPU in the bench's profile).
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next()
    // Go-live documents (up to 10 MB) have their own limit on their one route (golive-routes.ts).
    if (c.req.method === 'POST' && DOCUMENT_UPLOAD_PATH.test(c.req.path)) return next()
    return smallBodies(c, next)
  })

  app.route('/', paymentPageRoutes(deps))
  app.route('/', invoiceLinkRoutes(deps))
  app.route('/', pageApiRoutes(deps))
  app.route('/', paymentReturnRoutes(deps))
  app.route('/', simulatorRoutes(deps))
  app.route('/', gateRoutes(deps))
  if (deps.upstream) app.route('/', upstreamRoutes(deps, deps.upstream))
  app.route('/', staticRoutes(deps))
  app.route('/', dashboardRoutes(deps.dashboard, deps))
  if (deps.demo) app.route('/', demoRoutes(deps))
  app.get('/healthz', (c) => c.json({ status: 'ok' }))
  app.get('/favicon.ico', (c) => c.body(null, 204))

  app.notFound((c) =>
    isGatePath(c.req.path)
      ? c.json(gateError('not_found', 'no such route', c.get('requestId')), 404)
      : c.json(errorEnvelope('not_found', 'no such route', c.get('requestId')), 404),
  )
  app.onError((error, c) => {
    const requestId = c.get('requestId') ?? 'req_unknown'
    let code: ErrorCode
    let message: string
    let param: string | undefined
    if (error instanceof PaymentError) {
      ;({ code, message } = error)
      param = error.details.param
    } else if (error instanceof HTTPException && error.status < 500) {
      code = 'validation_failed'
      message = 'the request could not be read'
    } else {
      deps.logger.error('unhandled error', { requestId, path: c.req.path, error })
      code = 'internal_error'
      message = 'Internal error'
    }
    const [status] = HTTP[code]
    if (c.req.path === '/payment' || c.req.path.startsWith('/payment/') || c.req.path.startsWith('/sim/') || c.req.path.startsWith('/invoice/')) {
      const lang = errorPageLanguage(new URL(c.req.url).searchParams.get('language_code') ?? undefined, c.req.header('accept-language'))
      const nonce = c.get('nonce') ?? newNonce()
      c.header('Content-Security-Policy', contentSecurityPolicy(nonce, { frameAncestors: ['*'] }))
      // Error pages hold no action to hijack, and a merchant debugging an integration should
      // see the code inside the widget rather than a blank frame, so any ancestor may frame them.
      return c.html(withNonce(renderErrorPage(code, lang, requestId), nonce), status)
    }
    if (isGatePath(c.req.path)) return c.json(gateError(code, message, requestId, param), status)
    return c.json(errorEnvelope(code, message, requestId, param), status)
  })
  return app
}
