import { Hono } from 'hono'
import type { AppDeps } from '../../deps.ts'
import { gateSignature, type GateEnv } from '../../gate-signature.ts'
import { idempotency } from '../../idempotency.ts'
import { openApiDocument } from '../../openapi.ts'
import { cardPaymentRoutes } from './card-payments.ts'
import { followUpRoutes } from './follow-ups.ts'
import { payoutRoutes } from './payouts.ts'
import { queryRoutes } from './queries.ts'
import { tokenRoutes } from './tokens.ts'
import { walletPaymentRoutes } from './wallet-payments.ts'

/** Tells whether a path belongs to the Gate API, whose errors have ECommPay's shape (SPEC §12). */
export function isGatePath(path: string): boolean {
  return path.startsWith('/v2/')
}

/**
 * The Gate API (SPEC §9): every POST is verified (gate-signature.ts) before any route reads it;
 * mutating routes also take `Idempotency-Key`. The OpenAPI document is the one unsigned GET.
 */
export function gateRoutes(deps: AppDeps): Hono<GateEnv> {
  const app = new Hono<GateEnv>()
  const document = openApiDocument(deps.publicUrl)
  app.use('/v2/*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
  })
  const verify = gateSignature(deps)
  app.use('/v2/*', (c, next) => (c.req.method === 'POST' ? verify(c, next) : next()))
  app.get('/v2/openapi.json', (c) => c.json(document))

  const keys = { clock: deps.clock, idempotencyKeys: deps.gate.idempotencyKeys, payments: deps.payments }
  const idempotent = idempotency(keys, { bodyAsKey: true })
  app.route('/', cardPaymentRoutes(deps, idempotent))
  app.route('/', walletPaymentRoutes(deps, idempotent))
  app.route('/', followUpRoutes(deps, idempotent))
  app.route('/', payoutRoutes(deps, idempotent))
  // Saved cards move no money: an identical request without a key runs again (a second delete is `token_not_found`).
  app.route('/', tokenRoutes(deps, idempotency(keys, { bodyAsKey: false })))
  app.route('/', queryRoutes(deps))
  return app
}
