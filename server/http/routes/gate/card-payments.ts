import { Hono, type Context, type MiddlewareHandler } from 'hono'
import { CardPaymentRequestSchema, RecurringRequestSchema, type CardPaymentRequest } from '../../../../protocol/schemas/gate.ts'
import { gateCardPayment } from '../../../domain/gate-card-payment.ts'
import type { CardData, Project } from '../../../domain/ports.ts'
import { recurringCharge } from '../../../domain/recurring-charge.ts'
import { openSavedCard } from '../../../domain/saved-card.ts'
import type { AppDeps } from '../../deps.ts'
import { gateBody, type GateEnv } from '../../gate-signature.ts'
import { toAccepted } from '../../gate-views.ts'
import { keyed } from '../../keyed-payments.ts'
import { gatePaymentFields, gateReturnUrls } from './gate-fields.ts'
import { reportIfWaiting } from './report-waiting.ts'

/** `/v2/payment/card/sale|auth|recurring`: card charges the merchant starts server to server. */
export function cardPaymentRoutes(deps: AppDeps, idempotent: MiddlewareHandler<GateEnv>): Hono<GateEnv> {
  const app = new Hono<GateEnv>()
  const domain = { ...deps, ...deps.gate }

  const charge = (operationType: 'sale' | 'auth') => async (c: Context<GateEnv>) => {
    const { project } = c.get('gate')
    const body = gateBody(c, CardPaymentRequestSchema)
    const { card, accountToken } = await cardOf(deps, project, body)
    const { payment, operation } = await gateCardPayment(keyed(c, domain), project, { ...gatePaymentFields(body), operationType, ...gateReturnUrls(body.return_url) }, card, accountToken)
    await reportIfWaiting(deps, project, payment, operation)
    return c.json(toAccepted(payment, operation))
  }
  app.post('/v2/payment/card/sale', idempotent, charge('sale'))
  app.post('/v2/payment/card/auth', idempotent, charge('auth'))

  app.post('/v2/payment/card/recurring', idempotent, async (c) => {
    const { project } = c.get('gate')
    const body = gateBody(c, RecurringRequestSchema)
    const saved = await openSavedCard(deps, project, body.account_token, body.customer.id)
    const { payment, operation } = await recurringCharge(keyed(c, domain), project, gatePaymentFields(body), saved)
    return c.json(toAccepted(payment, operation))
  })
  return app
}

// A typed card goes to the acquirer as given; a saved card is opened from the vault, with the
// CVC the customer gave now, if any (customer-initiated).
async function cardOf(deps: AppDeps, project: Project, body: CardPaymentRequest): Promise<{ card: CardData; accountToken: string | undefined }> {
  if (body.card) {
    const { pan, month, year, cvv, card_holder } = body.card
    return { card: { pan, expMonth: month, expYear: year, cvc: cvv, holder: card_holder ?? '' }, accountToken: undefined }
  }
  const saved = await openSavedCard(deps, project, body.account_token ?? '', body.customer?.id)
  return { card: saved.card, accountToken: saved.record.token }
}
