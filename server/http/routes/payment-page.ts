import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import { PaymentPageParamsSchema } from '../../../protocol/schemas/payment-page.ts'
import { PaymentError } from '../../domain/errors.ts'
import { openPayment } from '../../domain/open-payment.ts'
import { renderHostedPage } from '../render-hosted-page.ts'
import type { AppDeps, AppEnv } from '../deps.ts'
import { readPaymentParams } from '../payment-params.ts'
import { verifyPageSignature } from '../verify-page-signature.ts'

/**
 * `GET|POST /payment` (SPEC §4): verify, open or reopen the payment, issue a session and serve
 * the hosted page. Nothing is written before the signature and every field have been checked.
 */
export function paymentPageRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.get('/payment', (c) => {
    const encoded = new URL(c.req.url).search.slice(1)
    // Hono answers HEAD with the GET handler. Link checkers and mail scanners send HEAD to
    // payment links; it must not create the payment or a session, only say whether the signed
    // request verifies.
    return c.req.method === 'HEAD' ? checkPage(c, deps, encoded) : openPage(c, deps, encoded)
  })
  app.post('/payment', async (c) => {
    const type = c.req.header('content-type') ?? ''
    if (!type.startsWith('application/x-www-form-urlencoded')) {
      throw new PaymentError('validation_failed', 'POST /payment takes a form (application/x-www-form-urlencoded)')
    }
    return openPage(c, deps, await c.req.text())
  })
  return app
}

/** Reads and checks a Payment Page request; writes nothing. */
async function readPageRequest(deps: AppDeps, encoded: string) {
  const raw = readPaymentParams(encoded)
  const projectId = Number(raw['project_id'])
  const project = Number.isSafeInteger(projectId) && projectId > 0 ? await deps.projects.get(projectId) : undefined
  if (!project) throw new PaymentError('unknown_project', 'unknown project', { param: 'project_id' })
  const { params: signed, unsigned } = verifyPageSignature(raw, project.secrets)

  const parsed = v.safeParse(PaymentPageParamsSchema, withoutEmptyOptionals(signed))
  if (!parsed.success) throw paramError(parsed.issues)
  return { project, params: parsed.output, signed, unsigned }
}

async function checkPage(c: Context<AppEnv>, deps: AppDeps, encoded: string): Promise<Response> {
  await readPageRequest(deps, encoded)
  return c.body(null, 200, { 'Content-Type': 'text/html; charset=UTF-8', 'Cache-Control': 'no-store' })
}

async function openPage(c: Context<AppEnv>, deps: AppDeps, encoded: string): Promise<Response> {
  const { project, params, signed, unsigned } = await readPageRequest(deps, encoded)
  const payment = await openPayment({ ...deps, limits: deps.gate.limits }, project, params, signed)

  // `_referrer` and `_guid` are usually unsigned (the embed script adds them), so they only ever
  // choose among origins the project allowed; they never reach money, URLs or merchant data.
  const referrer = originOf(signed['_referrer'] ?? unsigned['_referrer'])
  const parentOrigin = referrer && project.allowedOrigins.includes(referrer) ? referrer : undefined
  const guidValue = signed['_guid'] ?? unsigned['_guid']
  const guid = guidValue && /^[A-Za-z0-9_-]{1,64}$/.test(guidValue) ? guidValue : undefined

  return renderHostedPage(c, deps, project, payment, { parentOrigin, guid })
}

const REQUIRED = new Set(['project_id', 'payment_id', 'payment_amount', 'payment_currency'])

/**
 * An empty optional parameter is an absent one: that is how a `null` arrives from the JS and
 * Python SDKs (`null`/`None` in the URL, signed as an empty value), and a form's empty field.
 */
function withoutEmptyOptionals(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).filter(([k, value]) => value !== '' || REQUIRED.has(k)))
}

function paramError(issues: v.BaseIssue<unknown>[]): PaymentError {
  const first = issues[0]
  const param = first ? v.getDotPath(first) ?? undefined : undefined
  const message = `${param ?? 'parameter'}: ${first?.message ?? 'is not valid'}`
  if (param === 'payment_amount') return new PaymentError('invalid_amount', message, { param })
  if (param === 'payment_currency') return new PaymentError('invalid_currency', message, { param })
  return new PaymentError('validation_failed', message, param ? { param } : {})
}

function originOf(value: string | undefined): string | undefined {
  if (!value) return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined
  } catch {
    return undefined
  }
}
