import { Hono, type Context } from 'hono'
import { PaymentError } from '../../domain/errors.ts'
import { settleAttempt } from '../../domain/settle-attempt.ts'
import { contentSecurityPolicy } from '../csp.ts'
import type { AppDeps, AppEnv } from '../deps.ts'
import { acsChallengePage, acsReturnPage, walletPage } from '../sim-pages.ts'
import { simLanguage } from '../sim-page-text.ts'

const DECISIONS = ['confirm', 'fail', 'cancel'] as const

/**
 * The simulated providers' own pages (test mode, SPEC §7): the 3-D Secure ACS and the Jeton
 * Wallet page, plus EPay's endpoint for the wallet's asynchronous notification. They are served
 * by EPay for convenience but act as the external systems would.
 * Hint: every page is found by the signed ticket the simulator minted with the attempt and put
 * in the address it gave EPay; an operation id, `creq` or `MD` opens nothing. Each page a
 * shopper lands on is a GET (a POST is answered with 303), so Back never resubmits a form.
 */
export function simulatorRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const { card, jeton } = deps.simulators
  const termUrl = `${deps.publicUrl}/payment/3ds-return`
  const invalid = () => new PaymentError('validation_failed', 'this test page is not valid or has expired')

  // The requestor posts the challenge entry (ECommPay's `redirect_data`): remember where to return, then show the challenge.
  app.post('/sim/acs/:ticket', async (c) => {
    const form = await c.req.parseBody()
    // The ACS returns only to EPay's own TermUrl: it must not become an open redirect.
    if (String(form['TermUrl'] ?? '') !== termUrl) throw new PaymentError('validation_failed', 'bad ACS request')
    const md = typeof form['MD'] === 'string' ? form['MD'] : ''
    if (!md || !(await card.enterChallenge(c.req.param('ticket'), { md, termUrl }))) throw invalid()
    return c.redirect(`/sim/acs/${c.req.param('ticket')}`, 303)
  })

  app.get('/sim/acs/:ticket', async (c) => {
    const ticket = c.req.param('ticket')
    const view = await card.challenge(ticket)
    if (!view?.back) throw invalid()
    const lang = simLanguage(view.language, c.req.header('accept-language'))
    if (!view.decided) return html(c, acsChallengePage({ ...view, lang }, `/sim/acs/${ticket}/decide`, c.get('nonce')))
    const result = await card.status(view.reference)
    const cres = Buffer.from(JSON.stringify({ messageType: 'CRes', messageVersion: '2.2.0', transStatus: result?.kind === 'approved' ? 'Y' : 'N' })).toString('base64url')
    // The form goes to EPay's own TermUrl, whose answer redirects to the payment's return URL:
    // for a Gate merchant (another EPay in front of this one) on another origin. Browsers hold a
    // form's redirects to form-action too, so this one page lets the redirect leave, as a real
    // ACS's page would; the form itself and every value on the page are EPay's own, escaped.
    return html(c, acsReturnPage(lang, view.back.termUrl, { MD: view.back.md, cres }, c.get('nonce')), ['https:', 'http:'])
  })

  app.post('/sim/acs/:ticket/decide', async (c) => {
    const ticket = c.req.param('ticket')
    const decision = String((await c.req.parseBody())['decision'] ?? '')
    if (!(DECISIONS as readonly string[]).includes(decision)) throw new PaymentError('validation_failed', 'bad ACS decision')
    if (!(await card.challenge(ticket))?.back) throw invalid()
    // Accepted once: a second click or a replayed form leaves the first decision standing and only returns.
    await card.decideChallenge(ticket, decision as (typeof DECISIONS)[number])
    return c.redirect(`/sim/acs/${ticket}`, 303)
  })

  app.get('/sim/wallets/jeton/:ticket', async (c) => {
    const ticket = c.req.param('ticket')
    const view = await jeton.page(ticket)
    if (!view) throw invalid()
    // Decided already (Back from EPay's result page): the wallet only sends the shopper back.
    if (view.decided) return c.redirect(view.returnUrl, 303)
    const lang = simLanguage(view.language, c.req.header('accept-language'))
    // The decision's answer redirects to the payment's return address, on another origin for a
    // Gate merchant: let the form's redirect leave, as a real wallet's page would (see the ACS).
    return html(c, walletPage({ ...view, lang }, `/sim/wallets/jeton/${ticket}/decide`, c.get('nonce')), ['https:', 'http:'])
  })

  app.post('/sim/wallets/jeton/:ticket/decide', async (c) => {
    const decision = (await c.req.parseBody())['decision'] === 'success' ? 'success' : 'decline'
    const decided = await jeton.decide(c.req.param('ticket'), decision)
    if (!decided) throw invalid()
    if (decided.changed) {
      // The wallet tells EPay asynchronously, as a real one does; the shopper may arrive first.
      const body = JSON.stringify({ reference: decided.reference })
      setTimeout(() => {
        fetch(`${deps.publicUrl}/providers/jeton/notify`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-jeton-signature': jeton.signNotification(body) },
        }).catch(() => undefined)
      }, 200)
    }
    return c.redirect(decided.returnUrl, 303)
  })

  app.post('/providers/jeton/notify', async (c) => {
    const raw = await c.req.text()
    if (!jeton.verifyNotification(raw, c.req.header('x-jeton-signature') ?? '')) throw new PaymentError('invalid_signature', 'bad notification signature')
    const reference = String((JSON.parse(raw) as { reference?: unknown }).reference ?? '')
    const found = /^\d+$/.test(reference) ? await deps.payments.findOperation(Number(reference)) : undefined
    // The simulated wallet serves test payments only: it can never settle a live one.
    if (!found || !found.payment.test) throw new PaymentError('payment_not_found', 'unknown reference')
    // The notification only says "look": the result comes from the wallet's own status answer.
    const result = await jeton.status(reference)
    const project = await deps.projects.get(found.payment.projectId)
    if (project && result && (result.kind === 'approved' || result.kind === 'declined') && found.operation.status === 'awaiting redirect result') {
      try {
        await settleAttempt(deps, project, found.payment, found.operation, result)
      } catch (error) {
        if (!(error instanceof PaymentError && error.code === 'conflict')) throw error
      }
    }
    return c.json({ status: 'ok' })
  })
  return app
}

function html(c: Context<AppEnv>, body: string, formAction?: readonly string[]): Response {
  // Framed by any page: the widget's iframe shows these pages too, and they act only on their own ticket.
  c.header('Content-Security-Policy', contentSecurityPolicy(c.get('nonce'), { frameAncestors: ['*'], ...(formAction ? { formAction } : {}) }))
  c.header('Cache-Control', 'no-store')
  return c.html(body)
}
