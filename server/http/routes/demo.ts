import { Hono } from 'hono'
import * as v from 'valibot'
import { CurrencySchema } from '../../../protocol/money.ts'
import { LanguageSchema } from '../../../protocol/schemas/page-api.ts'
import { PaymentError } from '../../domain/errors.ts'
import { sign, splitSignature, verify } from '../../signature/signature.ts'
import type { Signable } from '../../signature/string-to-sign.ts'
import { DEMO_PROJECT_ID } from '../../bootstrap.ts'
import { contentSecurityPolicy, withNonce } from '../csp.ts'
import type { AppDeps, AppEnv } from '../deps.ts'
import { readJson } from '../validate-json.ts'
import { callbackInbox, demoCustomerId, demoPaymentId, ensureVisitor, visitorTag } from './demo-visitors.ts'

const SignBodySchema = v.object({
  amount: v.pipe(v.number(), v.safeInteger(), v.minValue(1), v.maxValue(100_000_000)),
  currency: CurrencySchema,
  description: v.optional(v.pipe(v.string(), v.maxLength(200))),
  language_code: v.optional(LanguageSchema),
  // Embedding choices are payment parameters in the ECommPay protocol, so they are signed too.
  target_element: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z][\w-]{0,63}$/))),
  redirect: v.optional(v.boolean()),
})

/**
 * The demo merchant (EPAY_DEMO=1): its shop page, the "server-side" signer a real merchant
 * keeps on its own backend, and a callback receiver that shows what arrived.
 */
export function demoRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const inbox = callbackInbox()
  const secureCookie = new URL(deps.publicUrl).protocol === 'https:'

  const demoSecret = async () => {
    const project = await deps.projects.get(DEMO_PROJECT_ID)
    if (!project) throw new PaymentError('unknown_project', 'the demo project does not exist')
    return project.secrets
  }

  /** The shop's own page on the host the visitor used, when the project allows it (else the public URL). */
  const shopUrl = async (request: URL): Promise<URL> => {
    const project = await deps.projects.get(DEMO_PROJECT_ID)
    const allowed = project?.returnHosts.includes(request.host) ?? false
    return new URL('/', allowed ? request.origin : deps.publicUrl)
  }

  app.get('/', (c) => {
    if (!deps.assets.demoHtml) return c.notFound()
    ensureVisitor(c, secureCookie)
    const nonce = c.get('nonce')
    c.header('Content-Security-Policy', contentSecurityPolicy(nonce, { frameAncestors: [], frameSrc: ["'self'"] }))
    return c.html(withNonce(deps.assets.demoHtml, nonce))
  })

  app.post('/demo/sign', async (c) => {
    const body = await readJson(c, SignBodySchema)
    const [secret] = await demoSecret()
    const tag = ensureVisitor(c, secureCookie)
    const paymentId = demoPaymentId(tag)
    const returnUrl = await shopUrl(new URL(c.req.url))
    returnUrl.searchParams.set('order', paymentId)
    const params: Record<string, string | number | boolean> = {
      project_id: DEMO_PROJECT_ID,
      payment_id: paymentId,
      payment_amount: body.amount,
      payment_currency: body.currency,
      customer_id: demoCustomerId(tag),
      // Success and final decline always lead back to the shop (issue 16: no dead ends).
      merchant_return_url: returnUrl.href,
      ...(body.description ? { payment_description: body.description } : {}),
      ...(body.language_code ? { language_code: body.language_code } : {}),
      ...(body.target_element ? { target_element: body.target_element } : {}),
      ...(body.redirect ? { redirect: true } : {}),
    }
    return c.json({ ...params, signature: sign(params, secret!) })
  })

  app.post('/demo/callbacks', async (c) => {
    const text = await c.req.text()
    let body: Record<string, Signable>
    try {
      body = JSON.parse(text) as Record<string, Signable>
    } catch {
      return c.json({ status: 'bad json' }, 400)
    }
    const { signature, params } = splitSignature(body)
    const secrets = await demoSecret()
    const valid = signature !== undefined && secrets.some((s) => verify(params, signature, s))
    const payment = typeof body['payment'] === 'object' && body['payment'] !== null ? (body['payment'] as Record<string, unknown>) : {}
    inbox.add(payment['id'], { received_at: new Date().toISOString(), signature_valid: valid, header: c.req.header('x-epay-signature'), body })
    return valid ? c.json({ status: 'ok' }) : c.json({ status: 'invalid signature' }, 400)
  })

  app.get('/demo/callbacks', (c) => {
    c.header('Cache-Control', 'no-store')
    return c.json(inbox.of(visitorTag(c)))
  })
  return app
}
