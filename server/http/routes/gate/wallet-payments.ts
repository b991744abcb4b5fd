import { Hono, type MiddlewareHandler } from 'hono'
import { WalletSaleRequestSchema } from '../../../../protocol/schemas/gate.ts'
import { PaymentError } from '../../../domain/errors.ts'
import { gateWalletPayment } from '../../../domain/gate-wallet-payment.ts'
import { walletReturnUrl } from '../../redirect-data.ts'
import type { AppDeps } from '../../deps.ts'
import { gateBody, type GateEnv } from '../../gate-signature.ts'
import { toAccepted } from '../../gate-views.ts'
import { keyed } from '../../keyed-payments.ts'
import { reportIfWaiting } from './report-waiting.ts'
import { gatePaymentFields, gateReturnUrls } from './gate-fields.ts'

/** `/v2/payment/wallet/jeton/sale`: a wallet payment the merchant starts server to server. */
export function walletPaymentRoutes(deps: AppDeps, idempotent: MiddlewareHandler<GateEnv>): Hono<GateEnv> {
  const app = new Hono<GateEnv>()
  app.post('/v2/payment/wallet/:method/sale', idempotent, async (c) => {
    if (c.req.param('method') !== 'jeton') throw new PaymentError('not_found', 'wallet sales are available with jeton only', { param: 'method' })
    const { project } = c.get('gate')
    const body = gateBody(c, WalletSaleRequestSchema)
    const { payment, operation } = await gateWalletPayment(
      keyed(c, { ...deps, ...deps.gate }),
      project,
      'jeton',
      { ...gatePaymentFields(body), ...gateReturnUrls(body.return_url) },
      // The wallet sends the shopper back to EPay, which shows the result and the way back to the shop.
      (created, operationId) => walletReturnUrl(deps, { paymentRowId: created.id, operationId }, { parentOrigin: undefined, guid: undefined }),
    )
    await reportIfWaiting(deps, project, payment, operation)
    return c.json(toAccepted(payment, operation))
  })
  return app
}
