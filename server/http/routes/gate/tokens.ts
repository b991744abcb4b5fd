import { Hono, type MiddlewareHandler } from 'hono'
import { TokenCreateRequestSchema, TokenDeleteRequestSchema, TokenListRequestSchema } from '../../../../protocol/schemas/gate.ts'
import type { TokenCreatedSchema, TokenDeletedSchema, TokenListSchema, SavedCardViewSchema } from '../../../../protocol/schemas/gate-views.ts'
import type * as v from 'valibot'
import { ecommpayDate } from '../../../domain/callback-payload.ts'
import { PaymentError } from '../../../domain/errors.ts'
import type { CardTokenRecord } from '../../../domain/ports.ts'
import { saveCard } from '../../../domain/saved-card.ts'
import { insertCardToken } from '../../../storage/card-token-writer.ts'
import type { AppDeps } from '../../deps.ts'
import { gateBody, type GateEnv } from '../../gate-signature.ts'

/** Saved cards (`/v2/token/card/*`): create from card data, list and delete by customer. */
export function tokenRoutes(deps: AppDeps, idempotent: MiddlewareHandler<GateEnv>): Hono<GateEnv> {
  const app = new Hono<GateEnv>()

  app.post('/v2/token/card/create', idempotent, async (c) => {
    const { project } = c.get('gate')
    const body = gateBody(c, TokenCreateRequestSchema)
    const { pan, month, year, card_holder } = body.card
    const record = await saveCard(
      { ...deps, cardTokens: { ...deps.cardTokens, insert: (r) => insertCardToken(deps.sql, r) } },
      project,
      body.customer.id,
      { pan, expMonth: month, expYear: year, cvc: '', holder: card_holder ?? '' },
    )
    const created: v.InferOutput<typeof TokenCreatedSchema> = { status: 'success', request_id: deps.ids.request(), project_id: project.id, ...toView(record) }
    return c.json(created)
  })

  app.post('/v2/token/card/list', async (c) => {
    const { project } = c.get('gate')
    const body = gateBody(c, TokenListRequestSchema)
    const list: v.InferOutput<typeof TokenListSchema> = { status: 'success', tokens: (await deps.cardTokens.listByCustomer(project.id, body.customer.id)).map(toView) }
    return c.json(list)
  })

  app.post('/v2/token/card/delete', idempotent, async (c) => {
    const { project } = c.get('gate')
    const body = gateBody(c, TokenDeleteRequestSchema)
    if (!(await deps.cardTokens.remove(project.id, body.customer.id, body.token, deps.clock.now()))) {
      throw new PaymentError('token_not_found', 'no saved card with this token for this customer', { param: 'token' })
    }
    const deleted: v.InferOutput<typeof TokenDeletedSchema> = { status: 'success', request_id: deps.ids.request(), project_id: project.id, token: body.token }
    return c.json(deleted)
  })
  return app
}

function toView(t: CardTokenRecord): v.InferOutput<typeof SavedCardViewSchema> {
  return {
    token: t.token,
    card: { masked: `${t.bin}******${t.last4}`, brand: t.brand, year: t.expYear, month: t.expMonth, ...(t.holder ? { holder: t.holder } : {}) },
    customer: { id: t.customerId },
    created_date: ecommpayDate(t.createdAt),
  }
}
