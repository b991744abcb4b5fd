import { Hono, type Context } from 'hono'
import { PaymentError } from '../../domain/errors.ts'
import { settleAttempt } from '../../domain/settle-attempt.ts'
import type { AcquirerResult } from '../../domain/ports.ts'
import { verifyReturnToken } from '../../session/return-token.ts'
import { merchantLanding } from '../merchant-landing.ts'
import type { AppDeps, AppEnv } from '../deps.ts'
import { renderHostedPage } from '../render-hosted-page.ts'

/**
 * Where the shopper lands back from the 3-D Secure ACS (`POST /payment/3ds-return`, the
 * TermUrl) or a wallet (`GET /payment/return`): EPay asks the provider for the result, settles
 * the attempt if it is final, and serves the page again with a fresh session.
 */
export function paymentReturnRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  app.post('/payment/3ds-return', async (c) => {
    const form = await c.req.parseBody()
    return resume(c, deps, typeof form['MD'] === 'string' ? form['MD'] : '')
  })
  app.get('/payment/return', (c) => resume(c, deps, c.req.query('md') ?? ''))
  return app
}

async function resume(c: Context<AppEnv>, deps: AppDeps, token: string): Promise<Response> {
  const claims = await verifyReturnToken(deps.sessionKeys, token, deps.clock.now())
  const found = await deps.payments.findOperation(claims.operationId)
  if (!found || found.payment.id !== claims.paymentRowId) throw new PaymentError('payment_not_found', 'payment not found')
  const project = await deps.projects.get(found.payment.projectId)
  if (!project) throw new PaymentError('payment_not_found', 'payment not found')
  const { payment, operation } = found
  const waiting = operation.status === 'awaiting 3ds result' || operation.status === 'awaiting redirect result'
  if (waiting) {
    const now = deps.clock.now()
    const provider = operation.method === 'card' ? deps.acquirer : deps.jeton
    const result: AcquirerResult | undefined = await provider.status(String(operation.id))
    const returned = { ...operation, returnedAt: now }
    try {
      if (result && (result.kind === 'approved' || result.kind === 'declined')) {
        await settleAttempt(deps, project, payment, returned, result)
        deps.notifyCallbacks()
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
  const landing = merchantLanding(current)
  if (landing) return c.redirect(landing, 303)
  return renderHostedPage(c, deps, project, current, { parentOrigin: claims.parentOrigin, guid: claims.guid })
}
