import { Hono } from 'hono'
import { PayBodySchema, type SavedCardList } from '../../../protocol/schemas/page-api.ts'
import { PaymentError } from '../../domain/errors.ts'
import { payWithCard, type CardSource } from '../../domain/pay-with-card.ts'
import { payWithWallet } from '../../domain/pay-with-wallet.ts'
import { assertPayable } from '../../domain/start-attempt.ts'
import { clearPanDigits, type Operation, type Payment } from '../../domain/payment.ts'
import type { CardData, CardTokenRecord, Project } from '../../domain/ports.ts'
import { cardBrand } from '../../domain/card-brand.ts'
import { walletReturnUrl } from '../redirect-data.ts'
import type { SessionClaims } from '../../session/session.ts'
import type { AppDeps, AppEnv } from '../deps.ts'
import { paymentStateFor, savedCardsFor, sessionViewFor } from '../session-view.ts'
import { requireSession } from '../require-session.ts'
import { readJson } from '../validate-json.ts'
import { limitCardSubmissions } from '../rate-limit-payments.ts'

/** The hosted page's own API (SPEC §5): the session token is the only credential. */
export function pageApiRoutes(deps: AppDeps) {
  const app = new Hono<AppEnv & { Variables: { session: SessionClaims } }>()
  app.use('/api/page/*', requireSession(deps))
  app.use('/api/page/*', async (c, next) => {
    await next()
    c.header('Cache-Control', 'no-store')
  })

  const load = async (session: SessionClaims): Promise<{ payment: Payment; project: Project }> => {
    const [payment, project] = await Promise.all([deps.payments.get(session.paymentRowId), deps.projects.get(session.projectId)])
    if (!payment || !project || payment.projectId !== project.id) throw new PaymentError('payment_not_found', 'payment not found')
    return { payment, project }
  }
  app.get('/api/page/session', async (c) => {
    const session = c.get('session')
    const { payment, project } = await load(session)
    return c.json(await sessionViewFor(deps, payment, project, session))
  })

  app.get('/api/page/status', async (c) => {
    const session = c.get('session')
    const { payment } = await load(session)
    return c.json(await paymentStateFor(deps, payment, session))
  })

  app.post('/api/page/pay', async (c) => {
    const session = c.get('session')
    const body = await readJson(c, PayBodySchema)
    const { payment, project } = await load(session)
    // Checked before counting: submissions for a payment that cannot be paid must not use up
    // the project's quota that real shoppers need.
    assertPayable(payment, deps.clock.now())
    await limitCardSubmissions(deps.rateLimits, c, session, { now: deps.clock.now(), trustProxy: deps.trustProxy, limits: deps.payLimits })
    let paid: { payment: Payment; operation: Operation | undefined }
    switch (body.method) {
      case 'card': {
        const { card } = body
        const data: CardData = { pan: card.pan, expMonth: card.exp_month, expYear: card.exp_year, cvc: card.cvc, holder: card.holder }
        const wantsSave = payment.saveCard === 'always' || (payment.saveCard === 'offer' && body.save_card === true)
        const source: CardSource = wantsSave && payment.customerId ? { save: (now) => sealCard(deps, project.id, payment.customerId!, data, now) } : {}
        paid = await payWithCard(deps, project, payment, data, source)
        break
      }
      case 'saved_card': {
        const token = payment.customerId ? await deps.cardTokens.get(project.id, body.token) : undefined
        if (!token || token.customerId !== payment.customerId) throw new PaymentError('validation_failed', 'saved card not found', { param: 'token' })
        const pan = deps.vault.open(token.panSealed, token.keyId, token.token)
        const data: CardData = { pan, expMonth: token.expMonth, expYear: token.expYear, cvc: body.cvc, holder: token.holder ?? '' }
        paid = await payWithCard(deps, project, payment, data, { accountToken: token.token })
        break
      }
      case 'jeton':
        paid = await payWithWallet(deps, project, payment, body.method, (operationId) =>
          walletReturnUrl(deps, { paymentRowId: payment.id, operationId }, { parentOrigin: session.parentOrigin, guid: session.guid }))
        break
    }
    return c.json(await paymentStateFor(deps, paid.payment, session, paid.operation))
  })

  app.delete('/api/page/saved-cards/:token', async (c) => {
    const session = c.get('session')
    const { payment } = await load(session)
    if (!payment.customerId || payment.saveCard === 'never') throw new PaymentError('validation_failed', 'this payment has no saved cards', { param: 'token' })
    const removed = await deps.cardTokens.remove(payment.projectId, payment.customerId, c.req.param('token'), deps.clock.now())
    if (!removed) throw new PaymentError('validation_failed', 'saved card not found', { param: 'token' })
    const list: SavedCardList = { saved_cards: await savedCardsFor(deps, payment) }
    return c.json(list)
  })
  return app
}

/** Seals a card for saving; the CVC is not part of it and is never stored (SPEC §7). */
function sealCard(deps: AppDeps, projectId: number, customerId: string, card: CardData, now: Date): CardTokenRecord {
  const token = `tok_${deps.ids.session()}`
  const { sealed, keyId } = deps.vault.seal(card.pan, token)
  return {
    token, projectId, customerId, panSealed: sealed, keyId,
    bin: clearPanDigits(card.pan).first, last4: clearPanDigits(card.pan).last, brand: cardBrand(card.pan),
    expMonth: card.expMonth, expYear: card.expYear, holder: card.holder || undefined, createdAt: now,
  }
}
