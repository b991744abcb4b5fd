import { Hono, type MiddlewareHandler } from 'hono'
import { CardPayoutRequestSchema, WalletPayoutRequestSchema } from '../../../../protocol/schemas/gate.ts'
import { PaymentError } from '../../../domain/errors.ts'
import { payout, type PayoutDestination } from '../../../domain/payout.ts'
import { openSavedCard } from '../../../domain/saved-card.ts'
import type { AppDeps } from '../../deps.ts'
import { gateBody, type GateEnv } from '../../gate-signature.ts'
import { toAccepted } from '../../gate-views.ts'
import { keyed } from '../../keyed-payments.ts'
import { gatePaymentFields } from './gate-fields.ts'

/** Payouts from the merchant's balance (SPEC §6, §7): to a Jeton wallet account or to a card. */
export function payoutRoutes(deps: AppDeps, idempotent: MiddlewareHandler<GateEnv>): Hono<GateEnv> {
  const app = new Hono<GateEnv>()
  const domain = { ...deps, ...deps.gate }

  app.post('/v2/payment/wallet/:method/payout', idempotent, async (c) => {
    if (c.req.param('method') !== 'jeton') throw new PaymentError('not_found', 'payouts are available to the jeton wallet only', { param: 'method' })
    const { project } = c.get('gate')
    const body = gateBody(c, WalletPayoutRequestSchema)
    const fields = gatePaymentFields(body)
    const { payment, operation } = await payout(keyed(c, domain), project, {
      ...fields,
      // The wallet account is not secret: kept with the payment for the merchant's audit.
      params: { ...fields.params, account_number: body.account.number },
      destination: { method: 'jeton', account: body.account.number },
    })
    return c.json(toAccepted(payment, operation))
  })

  app.post('/v2/payment/card/payout', idempotent, async (c) => {
    const { project } = c.get('gate')
    const body = gateBody(c, CardPayoutRequestSchema)
    let destination: PayoutDestination
    if (body.card) {
      const { pan, month, year, card_holder } = body.card
      destination = { method: 'card', card: { pan, expMonth: month, expYear: year, cvc: '', holder: card_holder ?? '' }, accountToken: undefined }
    } else {
      const saved = await openSavedCard(deps, project, body.account_token ?? '', body.customer?.id)
      destination = { method: 'card', card: saved.card, accountToken: saved.record.token }
    }
    const { payment, operation } = await payout(keyed(c, domain), project, { ...gatePaymentFields(body), destination })
    return c.json(toAccepted(payment, operation))
  })
  return app
}
