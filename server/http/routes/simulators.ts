import { Hono, type Context } from 'hono'
import { PaymentError } from '../../domain/errors.ts'
import { settleAttempt } from '../../domain/settle-attempt.ts'
import { contentSecurityPolicy, escapeHtml, withNonce } from '../csp.ts'
import type { AppDeps, AppEnv } from '../deps.ts'

/**
 * The simulated providers' own pages (test mode, SPEC §7): the 3-D Secure ACS and the Jeton
 * Wallet page, plus EPay's endpoint for the wallet's asynchronous notification. They are
 * served by EPay for convenience but act as the external systems would.
 */
export function simulatorRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const termUrl = `${deps.publicUrl}/payment/3ds-return`

  app.on(['GET', 'POST'], '/sim/acs', async (c) => {
    const form = c.req.method === 'POST' ? await c.req.parseBody() : c.req.query()
    const creq = String(form['creq'] ?? '')
    const md = String(form['MD'] ?? '')
    // The ACS returns only to EPay's own TermUrl: it must not become an open redirect.
    if (String(form['TermUrl'] ?? '') !== termUrl || !/^\d+$/.test(creq)) throw new PaymentError('validation_failed', 'bad ACS request')
    const hidden = `<input type="hidden" name="creq" value="${escapeHtml(creq)}"><input type="hidden" name="MD" value="${escapeHtml(md)}"><input type="hidden" name="TermUrl" value="${escapeHtml(termUrl)}">`
    return page(c, 'Simulated 3-D Secure', `
<h1>3-D Secure check</h1>
<p>This is EPay's test issuer. Confirm the payment as the cardholder would, or make the check fail.</p>
<form method="post" action="/sim/acs/decide">${hidden}
<div class="row"><button name="decision" value="confirm" class="primary">Confirm</button>
<button name="decision" value="fail">Fail authentication</button>
<button name="decision" value="cancel">Cancel</button></div></form>`)
  })

  app.post('/sim/acs/decide', async (c) => {
    const form = await c.req.parseBody()
    const creq = String(form['creq'] ?? '')
    const decision = String(form['decision'] ?? '')
    if (String(form['TermUrl'] ?? '') !== termUrl || !/^\d+$/.test(creq) || !['confirm', 'fail', 'cancel'].includes(decision)) {
      throw new PaymentError('validation_failed', 'bad ACS decision')
    }
    await deps.acquirer.decideChallenge(creq, decision as 'confirm' | 'fail' | 'cancel')
    return page(c, 'Returning to the payment', `
<h1>Returning to the payment…</h1>
<form method="post" action="${escapeHtml(termUrl)}" id="back"><input type="hidden" name="MD" value="${escapeHtml(String(form['MD'] ?? ''))}">
<input type="hidden" name="cres" value="${escapeHtml(creq)}"><button class="primary">Continue</button></form>
<script>document.getElementById('back').submit()</script>`)
  })

  app.get('/sim/wallets/jeton', async (c) => {
    const reference = c.req.query('reference') ?? ''
    const known = /^\d+$/.test(reference) ? await deps.jeton.amountOf(reference) : undefined
    if (!known) throw new PaymentError('validation_failed', 'unknown wallet payment')
    const amount = new Intl.NumberFormat('en', { style: 'currency', currency: known.currency }).format(known.amount / 100)
    return page(c, 'Jeton Wallet (test)', `
<h1>Jeton Wallet</h1><p>Test wallet. Approve the payment of <strong>${escapeHtml(known.currency === 'JPY' ? `${known.amount} JPY` : amount)}</strong>?</p>
<form method="post" action="/sim/wallets/jeton/decide"><input type="hidden" name="reference" value="${escapeHtml(reference)}">
<div class="row"><button name="decision" value="success" class="primary">Success</button><button name="decision" value="decline">Decline</button></div></form>`)
  })

  app.post('/sim/wallets/jeton/decide', async (c) => {
    const form = await c.req.parseBody()
    const reference = String(form['reference'] ?? '')
    const decision = form['decision'] === 'success' ? 'success' : 'decline'
    const back = await deps.jeton.decide(reference, decision)
    if (!back) throw new PaymentError('conflict', 'this wallet payment was already decided')
    // The wallet tells EPay asynchronously, as a real one does; the shopper may arrive first.
    const body = JSON.stringify({ reference })
    setTimeout(() => {
      fetch(`${deps.publicUrl}/providers/jeton/notify`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-jeton-signature': deps.jeton.signNotification(body) },
      }).catch(() => undefined)
    }, 200)
    return c.redirect(back, 303)
  })

  app.post('/providers/jeton/notify', async (c) => {
    const raw = await c.req.text()
    if (!deps.jeton.verifyNotification(raw, c.req.header('x-jeton-signature') ?? '')) throw new PaymentError('invalid_signature', 'bad notification signature')
    const reference = String((JSON.parse(raw) as { reference?: unknown }).reference ?? '')
    const found = /^\d+$/.test(reference) ? await deps.payments.findOperation(Number(reference)) : undefined
    if (!found) throw new PaymentError('payment_not_found', 'unknown reference')
    // The notification only says "look": the result comes from the wallet's own status answer.
    const result = await deps.jeton.status(reference)
    const project = await deps.projects.get(found.payment.projectId)
    if (project && result && (result.kind === 'approved' || result.kind === 'declined') && found.operation.status === 'awaiting redirect result') {
      try {
        await settleAttempt(deps, project, found.payment, found.operation, result)
        deps.notifyCallbacks()
      } catch (error) {
        if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
      }
    }
    return c.json({ status: 'ok' })
  })
  return app
}

function page(c: Context<AppEnv>, title: string, body: string): Response {
  const nonce = c.get('nonce')
  c.header('Content-Security-Policy', contentSecurityPolicy(nonce, { frameAncestors: ['*'] }))
  c.header('Cache-Control', 'no-store')
  return c.html(withNonce(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>
body{font:16px/1.5 system-ui,sans-serif;margin:0;padding:1.5rem 1rem;background:#eef1f6;color:#1a1a1a}
main{max-width:26rem;margin:0 auto;background:#fff;border-radius:12px;padding:1.5rem;box-shadow:0 1px 3px #0003}
h1{font-size:1.25rem;margin:0 0 .75rem}.row{display:flex;gap:.5rem;flex-wrap:wrap;margin-top:1rem}
button{font:inherit;padding:.6rem 1rem;border-radius:8px;border:1px solid #5b6472;background:#fff;color:#1a1a1a;cursor:pointer}
button.primary{background:#174ea6;border-color:#174ea6;color:#fff}button:focus-visible{outline:3px solid #e8a200;outline-offset:2px}
</style></head><body><main>${body}</main></body></html>`, nonce))
}
