import { Hono, type Context } from 'hono'
import { PaymentError } from '../../domain/errors.ts'
import { SETTLED_STATUSES, type Payment } from '../../domain/payment.ts'
import type { AcquirerResult } from '../../domain/ports.ts'
import { attemptProvider, paymentScope } from '../../domain/provider-routes.ts'
import { settleAttempt } from '../../domain/settle-attempt.ts'
import { verifyReturnToken, type ReturnClaims } from '../../session/return-token.ts'
import { signSession } from '../../session/session.ts'
import { contentSecurityPolicy, withNonce } from '../csp.ts'
import { merchantLanding } from '../merchant-landing.ts'
import type { AppDeps, AppEnv } from '../deps.ts'

/**
 * Where the shopper lands back from the 3-D Secure ACS (`POST /payment/3ds-return`, the
 * TermUrl) or a wallet (`GET /payment/return/<token>`): EPay asks the provider for the result,
 * settles the attempt if it is final, and sends the browser on (post/redirect/get) to
 * `/payment/resume/<operation>`, a plain GET that Back and reload can repeat safely.
 * Hint: a return token resumes its attempt once. The first return hands the page a fresh
 * session in the URL fragment (never sent to a server, removed by the page at once); a replay
 * gets the same address without one, where only the tab that returned first, which kept its
 * session, still sees the payment. A replay may still settle the attempt from the provider's
 * own answer, as the background resolver would: that reveals and decides nothing new.
 */
export function paymentReturnRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/payment/3ds-return', async (c) => {
    const form = await c.req.parseBody()
    return resume(c, deps, typeof form['MD'] === 'string' ? form['MD'] : '')
  })
  app.get('/payment/return/:token', (c) => resume(c, deps, c.req.param('token')))
  app.get('/payment/resume/:operation', async (c) => {
    const id = Number(c.req.param('operation'))
    const found = Number.isSafeInteger(id) && id > 0 ? await deps.payments.findOperation(id) : undefined
    const project = found ? await deps.projects.get(found.payment.projectId) : undefined
    if (!project) throw new PaymentError('payment_not_found', 'payment not found')
    // The page alone, without a session: the page takes it from the fragment or from its own tab.
    const nonce = c.get('nonce')
    c.header('Content-Security-Policy', contentSecurityPolicy(nonce, { frameAncestors: project.allowedOrigins }))
    c.header('Cache-Control', 'no-store')
    return c.html(withNonce(deps.assets.pageHtml, nonce).replace('<!--epay-boot-->', ''))
  })
  return app
}

async function resume(c: Context<AppEnv>, deps: AppDeps, token: string): Promise<Response> {
  const claims = verifyReturnToken(deps.sessionKeys, token, deps.clock.now())
  const found = await deps.payments.findOperation(claims.operationId)
  if (!found || found.payment.id !== claims.paymentRowId) throw new PaymentError('payment_not_found', 'payment not found')
  const project = await deps.projects.get(found.payment.projectId)
  if (!project) throw new PaymentError('payment_not_found', 'payment not found')
  const { payment, operation } = found
  const next = `/payment/resume/${operation.id}`
  c.header('Cache-Control', 'no-store')
  const first = await deps.attemptReturns.claim(operation.id, deps.clock.now())

  // Settling asks the provider for its own answer, so a replay may do it too (a return whose
  // answer was lost in a crash is retried); only the session is handed out once.
  const waiting = operation.status === 'awaiting 3ds result' || operation.status === 'awaiting redirect result'
  if (waiting) {
    const now = deps.clock.now()
    const provider = attemptProvider(await deps.providers.route(paymentScope(payment), operation.method))
    const result: AcquirerResult | undefined = await provider.status(String(operation.id))
    const returned = { ...operation, returnedAt: now }
    try {
      if (result && (result.kind === 'approved' || result.kind === 'declined')) {
        await settleAttempt(deps, project, payment, returned, result)
      } else {
        // No result yet (the wallet notifies later): remember the return so a reload does not redirect again.
        await deps.payments.apply({ payment, expectedVersion: payment.version, updateOperation: returned })
      }
    } catch (error) {
      // The wallet's notification or the resolver settled it meanwhile; show what is stored.
      if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
    }
  }
  const current = (await deps.payments.get(payment.id)) ?? payment
  // A Gate payment has no EPay page the shopper came from: a final result lands on the merchant's URL.
  const landing = merchantLanding(current)
  if (landing) return c.redirect(landing, 303)
  if (!first) return c.redirect(next, 303)
  return c.redirect(`${next}#token=${freshSession(deps, current, claims)}`, 303)
}

function freshSession(deps: AppDeps, payment: Pick<Payment, 'id' | 'projectId' | 'status' | 'bestBefore'>, claims: ReturnClaims): string {
  return signSession(
    deps.sessionKeys,
    { sessionId: `ses_${deps.ids.session()}`, projectId: payment.projectId, paymentRowId: payment.id, parentOrigin: claims.parentOrigin, guid: claims.guid },
    deps.clock.now(),
    deps.sessionTtlSeconds,
    // Unpaid, the session ends with best_before; paid, the shopper may still see the result.
    SETTLED_STATUSES.has(payment.status) ? undefined : payment.bestBefore,
  )
}
