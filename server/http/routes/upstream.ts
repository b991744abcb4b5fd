import { Hono } from 'hono'
import { PaymentError } from '../../domain/errors.ts'
import { settleFromProvider } from '../../domain/settle-from-provider.ts'
import type { UpstreamDeps } from '../../providers/live-connections.ts'
import { splitSignature, verify } from '../../signature/signature.ts'
import type { Signable } from '../../signature/string-to-sign.ts'
import { contentSecurityPolicy, escapeHtml, withNonce } from '../csp.ts'
import type { AppDeps, AppEnv } from '../deps.ts'
import { parseStrictJson } from '../strict-json.ts'

/**
 * What an upstream gateway (the ECommPay Gate connector) needs of EPay's HTTP side: the
 * shopper's way to the upstream's 3-D Secure and back, and the upstream's callbacks.
 * Hint: the shopper goes through EPay's own signed links, never a bare operation id, and a
 * callback only makes EPay ask the upstream's records (settleFromProvider): a forged or
 * replayed one cannot decide a payment even if its signature were valid.
 */
export function upstreamRoutes(deps: AppDeps, upstream: UpstreamDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const now = () => deps.clock.now()

  // The page (or the Gate merchant) posts EPay's redirect_data here: for 3-D Secure its MD is
  // this attempt's return token, kept for the way back. The shopper goes on to the upstream's
  // ACS or wallet with the upstream's own redirect_data, from a page whose CSP allows it.
  app.post('/upstream/go/:ticket', async (c) => {
    const reference = upstream.tickets.acs.verify(c.req.param('ticket'), now())
    const row = reference ? await upstream.requests.find(reference) : undefined
    if (!reference || !row?.redirect) throw new PaymentError('payment_not_found', 'this link is not valid')
    const form = await c.req.parseBody()
    if (typeof form['MD'] === 'string' && form['MD'] !== '') await upstream.requests.shopperReturn(reference, form['MD'])
    const target = new URL(row.redirect.url)
    const fieldsOf = row.redirect.method === 'GET' ? { ...Object.fromEntries(target.searchParams), ...row.redirect.body } : row.redirect.body
    if (row.redirect.method === 'GET') target.search = ''
    const nonce = c.get('nonce')
    const fields = Object.entries(fieldsOf).map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('')
    c.header('Content-Security-Policy', contentSecurityPolicy(nonce, { frameAncestors: ['*'], formAction: [target.origin] }))
    c.header('Cache-Control', 'no-store')
    return c.html(withNonce(`<!doctype html><html><head><meta charset="utf-8"><title>EPay</title></head><body>
<form method="${escapeHtml(row.redirect.method.toLowerCase())}" action="${escapeHtml(target.toString())}" id="onward">${fields}<button>Continue</button></form>
<script>document.getElementById('onward').submit()</script></body></html>`, nonce))
  })

  // The upstream sends the shopper back here after its ACS: on to EPay's own return, which asks
  // the upstream for the result and settles the attempt.
  app.get('/upstream/return/:ticket', async (c) => {
    const reference = upstream.tickets.return.verify(c.req.param('ticket'), now())
    const row = reference ? await upstream.requests.find(reference) : undefined
    if (!row?.shopperReturn) throw new PaymentError('payment_not_found', 'this return link is not valid')
    c.header('Cache-Control', 'no-store')
    return c.redirect(`/payment/return/${encodeURIComponent(row.shopperReturn)}`, 303)
  })

  app.post('/upstream/callbacks/:project', async (c) => {
    const projectId = Number(c.req.param('project'))
    const connection = Number.isSafeInteger(projectId) && projectId > 0 ? await upstream.connections.get(projectId) : undefined
    if (!connection) throw new PaymentError('not_found', 'no upstream connection here')
    const body = parseStrictJson(await c.req.text())
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new PaymentError('validation_failed', 'the body must be a JSON object')
    const { signature, params } = splitSignature(body as Record<string, Signable>)
    if (!signature || !verify(params, signature, connection.secret)) throw new PaymentError('invalid_signature', 'the callback signature does not verify')
    const payment = (body as { payment?: { id?: unknown } }).payment
    const operation = (body as { operation?: { request_id?: unknown } }).operation
    const paymentId = typeof payment?.id === 'string' ? payment.id : undefined
    const requestId = typeof operation?.request_id === 'string' ? operation.request_id : undefined
    const row = paymentId ? await upstream.requests.forCallback(projectId, paymentId, requestId) : undefined
    // An upstream payment EPay never started (or already forgot): acknowledged, nothing to do.
    if (row && /^\d{1,16}$/.test(row.reference)) {
      await settleFromProvider({ ...deps, project: (id) => deps.projects.get(id) }, Number(row.reference))
    }
    return c.json({ status: 'ok' })
  })
  return app
}
