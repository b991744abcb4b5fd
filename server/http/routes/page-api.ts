import { Hono } from 'hono'
import { PayBodySchema, type SessionView } from '../../../protocol/schemas/page-api.ts'
import { PaymentError } from '../../domain/errors.ts'
import { payWithCard } from '../../domain/pay-with-card.ts'
import type { Payment } from '../../domain/payment.ts'
import type { Project } from '../../domain/ports.ts'
import type { SessionClaims } from '../../session/session.ts'
import type { AppDeps, AppEnv } from '../deps.ts'
import { toPaymentState } from '../payment-state.ts'
import { requireSession } from '../require-session.ts'
import { readJson } from '../validate-json.ts'

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
  const state = async (payment: Payment) => toPaymentState(payment, await deps.payments.operations(payment.id))

  app.get('/api/page/session', async (c) => {
    const session = c.get('session')
    const { payment, project } = await load(session)
    const lang = payment.languageCode?.slice(0, 2).toLowerCase()
    const view: SessionView = {
      payment: {
        id: payment.paymentId,
        amount: payment.amount,
        currency: payment.currency,
        ...(payment.description ? { description: payment.description } : {}),
      },
      merchant: { name: project.name },
      test_mode: project.testMode,
      ...(lang === 'en' || lang === 'ru' ? { language: lang } : {}),
      ...(session.parentOrigin ? { parent_origin: session.parentOrigin } : {}),
      ...(session.guid ? { guid: session.guid } : {}),
      state: await state(payment),
    }
    return c.json(view)
  })

  app.get('/api/page/status', async (c) => {
    const { payment } = await load(c.get('session'))
    return c.json(await state(payment))
  })

  app.post('/api/page/pay', async (c) => {
    const session = c.get('session')
    const body = await readJson(c, PayBodySchema)
    const { project } = await load(session)
    const { card } = body
    const paid = await payWithCard(deps, project, session.paymentRowId, {
      pan: card.pan,
      expMonth: card.exp_month,
      expYear: card.exp_year,
      cvc: card.cvc,
      holder: card.holder,
    })
    deps.notifyCallbacks()
    return c.json(await state(paid))
  })
  return app
}
