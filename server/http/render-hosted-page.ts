import type { Context } from 'hono'
import { SETTLED_STATUSES, type Payment } from '../domain/payment.ts'
import type { Project } from '../domain/ports.ts'
import { signSession } from '../session/session.ts'
import { contentSecurityPolicy, jsonForScript, withNonce } from './csp.ts'
import type { AppDeps, AppEnv } from './deps.ts'
import { sessionViewFor } from './session-view.ts'

/**
 * Serves the hosted page for `payment` with a fresh session token in the boot block, a nonce
 * CSP and `frame-ancestors` from the project's allowed origins (SPEC §5, §12).
 */
export async function renderHostedPage(
  c: Context<AppEnv>,
  deps: AppDeps,
  project: Project,
  payment: Payment,
  framing: { parentOrigin: string | undefined; guid: string | undefined },
): Promise<Response> {
  const token = await signSession(
    deps.sessionKeys,
    { sessionId: `ses_${deps.ids.session()}`, projectId: project.id, paymentRowId: payment.id, ...framing },
    deps.clock.now(),
    deps.sessionTtlSeconds,
    // Unpaid, the session ends with best_before; paid, the shopper may still see the result.
    SETTLED_STATUSES.has(payment.status) ? undefined : payment.bestBefore,
  )
  const nonce = c.get('nonce')
  // The session view rides along, so the page paints without waiting for another round trip.
  const session = await sessionViewFor(deps, payment, project, framing)
  const boot = `<script type="application/json" id="epay-boot">${jsonForScript({ token, session })}</script>`
  const html = withNonce(deps.assets.pageHtml, nonce).replace('<!--epay-boot-->', boot)
  c.header('Content-Security-Policy', contentSecurityPolicy(nonce, { frameAncestors: project.allowedOrigins }))
  // The page embeds a bearer token: no cache or intermediary may keep it.
  c.header('Cache-Control', 'no-store')
  return c.html(html)
}
