import { Hono, type MiddlewareHandler } from 'hono'
import { FollowUpRequestSchema, PaymentRefRequestSchema } from '../../../../protocol/schemas/gate.ts'
import { cancelPayment } from '../../../domain/cancel-payment.ts'
import { capturePayment } from '../../../domain/capture-payment.ts'
import { refundPayment } from '../../../domain/refund-payment.ts'
import type { AppDeps } from '../../deps.ts'
import { gateBody, type GateEnv } from '../../gate-signature.ts'
import { toAccepted } from '../../gate-views.ts'
import { keyed } from '../../keyed-payments.ts'

/**
 * Capture, cancel and refunds of an existing payment (SPEC §6, §9). `cancel` voids an
 * authorisation or refunds a captured payment; `/v2/payment/refund` is the method-neutral
 * alias of `/v2/payment/card/refund` and also refunds wallet payments.
 */
export function followUpRoutes(deps: AppDeps, idempotent: MiddlewareHandler<GateEnv>): Hono<GateEnv> {
  const app = new Hono<GateEnv>()
  const domain = { ...deps, ...deps.gate }

  app.post('/v2/payment/card/capture', idempotent, async (c) => {
    const body = gateBody(c, FollowUpRequestSchema)
    const { payment, operation } = await capturePayment(keyed(c, domain), c.get('gate').project, {
      paymentId: body.general.payment_id,
      amount: body.payment?.amount,
      currency: body.payment?.currency,
    })
    return c.json(toAccepted(payment, operation))
  })

  app.post('/v2/payment/card/cancel', idempotent, async (c) => {
    const body = gateBody(c, PaymentRefRequestSchema)
    const { payment, operation } = await cancelPayment(keyed(c, domain), c.get('gate').project, { paymentId: body.general.payment_id })
    return c.json(toAccepted(payment, operation))
  })

  for (const path of ['/v2/payment/card/refund', '/v2/payment/refund']) {
    app.post(path, idempotent, async (c) => {
      const body = gateBody(c, FollowUpRequestSchema)
      const { payment, operation } = await refundPayment(keyed(c, domain), c.get('gate').project, {
        paymentId: body.general.payment_id,
        amount: body.payment?.amount,
        currency: body.payment?.currency,
      })
      return c.json(toAccepted(payment, operation))
    })
  }
  return app
}
