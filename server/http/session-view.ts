import { LANGUAGES, type Language, type PaymentState, type SavedCard, type SessionView, type Theme } from '../../protocol/schemas/page-api.ts'
import { methodsFor } from '../domain/payment-options.ts'
import { paymentScope } from '../domain/provider-routes.ts'
import type { Operation, Payment } from '../domain/payment.ts'
import type { CardTokenRecord, Project } from '../domain/ports.ts'
import type { AppDeps } from './deps.ts'
import { toPaymentState } from './payment-state.ts'
import { redirectDataFor } from './redirect-data.ts'

/** How the page is framed, from the session claims: the embedding origin and the widget's guid. */
export type Framing = { parentOrigin: string | undefined; guid: string | undefined }

const LANGS: ReadonlySet<string> = new Set(LANGUAGES)

/**
 * The payment's state for the page, with where to go next while an attempt waits on the shopper.
 * `latest` is the attempt this request has just stored, when it knows it: the newest operation,
 * which is all the state shows, so the operations need not be read back.
 */
export async function paymentStateFor(deps: AppDeps, payment: Payment, framing: Framing, latest?: Operation): Promise<PaymentState> {
  // A payment never claimed has no operations: the hot path of a first open skips the query.
  const operations = latest ? [latest] : payment.status === 'new' && payment.attempts === 0 ? [] : await deps.payments.operations(payment.id)
  const state = toPaymentState(payment, operations)
  const waiting = operations.at(-1)
  const redirect = waiting ? await redirectDataFor(deps, waiting, framing) : undefined
  if (redirect) state.redirect_data = redirect
  return state
}

/** The customer's saved cards, when the payment may use them. */
export async function savedCardsFor(deps: AppDeps, payment: Payment): Promise<SavedCard[]> {
  if (!payment.customerId || payment.saveCard === 'never') return []
  return (await deps.cardTokens.listByCustomer(payment.projectId, payment.customerId)).map(toSavedCard)
}

/**
 * Everything the page shows (`GET /api/page/session`, and the boot block of the served page so
 * the first paint needs no extra round trip). Merchant data comes only from the stored payment.
 */
export async function sessionViewFor(deps: AppDeps, payment: Payment, project: Project, framing: Framing): Promise<SessionView> {
  const lang = payment.languageCode?.slice(0, 2).toLowerCase()
  const [savedCards, state, served] = await Promise.all([savedCardsFor(deps, payment), paymentStateFor(deps, payment, framing), deps.providers.methods(paymentScope(payment))])
  return {
    payment: { id: payment.paymentId, amount: payment.amount, currency: payment.currency, ...(payment.description ? { description: payment.description } : {}) },
    merchant: { name: project.name },
    // The payment's own mode: a test payment stays one even if its project goes live later.
    test_mode: payment.test,
    ...(lang && LANGS.has(lang) ? { language: lang as Language } : {}),
    ...(framing.parentOrigin ? { parent_origin: framing.parentOrigin } : {}),
    ...(framing.guid ? { guid: framing.guid } : {}),
    methods: methodsFor(payment, project.methods).filter((method) => served.includes(method)),
    saved_cards: savedCards,
    save_card: payment.saveCard,
    ...((payment.theme ?? project.theme) ? { theme: JSON.parse((payment.theme ?? project.theme)!) as Theme } : {}),
    state,
  }
}

function toSavedCard(t: CardTokenRecord): SavedCard {
  return { token: t.token, mask: `${t.bin}******${t.last4}`, brand: t.brand, exp_month: t.expMonth, exp_year: t.expYear }
}
