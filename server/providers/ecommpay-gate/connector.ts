import { createHash } from 'node:crypto'
import { DECLINES } from '../../domain/decline-codes.ts'
import type { AcquirerResult, CardData, CardRoute, Clock, ProviderAnswer, ProviderFollowUp, WalletRoute } from '../../domain/ports.ts'
import type { Signable } from '../../signature/string-to-sign.ts'
import type { ProviderConnection } from '../../storage/connection-store.ts'
import type { SimTickets } from '../sim-ticket.ts'
import { createGateClient, UpstreamUnavailable, type UpstreamRefusal } from './gate-client.ts'
import type { UpstreamKind, UpstreamRequest, UpstreamRequests } from './upstream-requests.ts'
import type { UpstreamCardToken, UpstreamCardTokens } from './upstream-tokens.ts'
import { attemptResult, followUpAnswer, mainOperation, readUpstreamPayment, refusedUpstream, type UpstreamStatus } from './upstream-status.ts'

/** The provider id the connector records on the operations it runs. */
export const ECOMMPAY_GATE_PROVIDER_ID = 'ecommpay-gate'

/** How long the addresses the connector hands the shopper (ACS entry, way back) stay valid. */
const SHOPPER_LINK_TTL_MS = 24 * 60 * 60_000

export type EcommpayGateOptions = {
  connection: ProviderConnection
  requests: UpstreamRequests
  cardTokens: UpstreamCardTokens
  /** EPay's own public URL: where the upstream sends callbacks and the shopper comes back. */
  publicUrl: string
  /** Signed references for the shopper's links through EPay (`acs`: to the upstream ACS, `return`: back). */
  tickets: { acs: SimTickets; return: SimTickets }
  clock: Clock
  timeoutMs: number
  fetch?: typeof fetch
}

/**
 * A connector to any gateway speaking the ECommPay Gate protocol (ECommPay itself, or another
 * EPay acting as a processor): EPay is its merchant, and every EPay attempt or payout is one
 * upstream payment whose `payment_id` is EPay's reference (the operation id).
 * Hint: the request is recorded before it leaves and every retry carries the same
 * `payment_id` and `Idempotency-Key`, so the upstream dedupes; an answer that is lost or not the
 * protocol's is never a result — the attempt waits for a status query.
 */
export function createEcommpayGateConnector(options: EcommpayGateOptions): { card: CardRoute; wallet: WalletRoute } {
  const { connection, requests } = options
  const client = createGateClient({ url: connection.url, projectId: connection.upstreamProjectId, secret: connection.secret, timeoutMs: options.timeoutMs, ...(options.fetch ? { fetch: options.fetch } : {}) })
  const callbackUrl = `${options.publicUrl}/upstream/callbacks/${connection.projectId}`
  const general = (paymentId: string) => ({ payment_id: paymentId, merchant_callback_url: callbackUrl })
  const linkExpiry = () => new Date(options.clock.now().getTime() + SHOPPER_LINK_TTL_MS)
  const shopperReturnUrl = (reference: string) => `${options.publicUrl}/upstream/return/${options.tickets.return.mint(reference, linkExpiry())}`
  const notProcessed = (reference: string) => ({ kind: 'declined' as const, providerId: reference, ...DECLINES.notProcessed })
  const begin = (reference: string, kind: UpstreamKind, upstreamPaymentId: string, request?: Record<string, unknown>) =>
    requests.begin({ reference, projectId: connection.projectId, kind, upstreamPaymentId, request }, options.clock.now())

  /** Sends a recorded request once accepted; a refusal means the upstream created nothing. */
  async function send(row: UpstreamRequest, path: string, body: Record<string, Signable>): Promise<'accepted' | UpstreamRefusal> {
    if (row.upstreamRequestId) return 'accepted'
    const answer = await client.call(path, body, `epay-${row.reference}`)
    if (answer.kind === 'ok') {
      const requestId = answer.body['request_id']
      if (typeof requestId !== 'string' || requestId === '') throw new UpstreamUnavailable('an acceptance without request_id')
      await requests.accepted(row.reference, requestId)
      return 'accepted'
    }
    // The payment exists upstream (an earlier request whose answer was lost): its status tells.
    if (answer.code === 'payment_exists') return 'accepted'
    // Still running upstream under this key: not a result.
    if (answer.code === 'conflict') throw new UpstreamUnavailable('the same request is still being processed upstream')
    return answer
  }

  const upstreamStatus = (paymentId: string) => readUpstreamPayment(client, paymentId)

  /** An attempt's (or payout's) result from the upstream's records; `pending` while it cannot be read. */
  async function chargeStatus(reference: string): Promise<AcquirerResult | undefined> {
    const row = await requests.find(reference)
    if (!row) return undefined
    let status: UpstreamStatus | undefined
    try {
      status = await upstreamStatus(row.upstreamPaymentId)
    } catch (error) {
      if (error instanceof UpstreamUnavailable) return { kind: 'pending', providerId: row.upstreamPaymentId }
      throw error
    }
    if (!status) return row.abandoned ? notProcessed(row.upstreamPaymentId) : row.upstreamRequestId ? { kind: 'pending', providerId: row.upstreamPaymentId } : undefined
    const payout = row.kind === 'card_payout' || row.kind === 'wallet_payout'
    const op = mainOperation(status, payout ? ['payout'] : ['sale', 'auth', 'recurring'])
    if (!op) return { kind: 'pending', providerId: row.upstreamPaymentId }
    return attemptResult(row.upstreamPaymentId, status, op, row.kind === 'wallet_sale' || row.kind === 'wallet_payout', {
      async through(redirect) {
        await requests.challenge(reference, redirect)
        return `${options.publicUrl}/upstream/go/${options.tickets.acs.mint(reference, linkExpiry())}`
      },
    })
  }

  /** Starts a charge or payout, or answers a duplicate with what the upstream holds. */
  async function charge(reference: string, kind: UpstreamKind, path: string, body: () => Record<string, Signable>): Promise<AcquirerResult> {
    const row = await begin(reference, kind, reference)
    if (row.abandoned) return notProcessed(reference)
    const sent = await send(row, path, { ...body(), general: general(reference) })
    if (sent !== 'accepted') return refusedUpstream(reference, sent.code)
    return (await chargeStatus(reference)) ?? { kind: 'pending', providerId: reference }
  }

  async function abandon(reference: string): Promise<AcquirerResult | undefined> {
    const row = await requests.find(reference)
    if (!row) {
      // Recorded first: a late authorise finds it and sends nothing.
      await requests.begin({ reference, projectId: connection.projectId, kind: 'sale', upstreamPaymentId: reference, request: undefined, abandoned: true }, options.clock.now())
      return (await requests.find(reference))?.abandoned ? notProcessed(reference) : chargeStatus(reference)
    }
    const known = await chargeStatus(reference)
    if (known !== undefined) return known
    // A request still on its way may yet arrive upstream: never give up on it before its own
    // timeout has cut it off, or the upstream could charge what EPay reported declined.
    if (options.clock.now().getTime() - row.createdAt.getTime() <= options.timeoutMs + 1_000) return { kind: 'pending', providerId: reference }
    // The upstream never accepted it: give up for good, unless it was accepted meanwhile.
    await requests.abandon(reference)
    return chargeStatus(reference)
  }

  /** A follow-up's answer from the upstream's records of its payment, found by request id. */
  async function followUpStatus(row: UpstreamRequest): Promise<ProviderAnswer> {
    const pending = { kind: 'pending' as const, providerId: row.upstreamPaymentId }
    if (!row.upstreamRequestId) return pending
    try {
      const status = await upstreamStatus(row.upstreamPaymentId)
      const op = status?.operations.find((o) => o.request_id === row.upstreamRequestId)
      return status && op ? followUpAnswer(`${row.upstreamPaymentId}:${row.upstreamRequestId}`, status, op, false) : pending
    } catch (error) {
      if (error instanceof UpstreamUnavailable) return pending
      throw error
    }
  }

  /** Sends a recorded follow-up (again, with the same key, if its answer was lost) and reads its answer. */
  async function runFollowUp(row: UpstreamRequest): Promise<ProviderAnswer> {
    if (!row.upstreamRequestId && row.request) {
      const stored = row.request as { path: string; body: Record<string, Signable> }
      let sent: 'accepted' | UpstreamRefusal
      try {
        sent = await send(row, stored.path, stored.body)
      } catch (error) {
        if (error instanceof UpstreamUnavailable) return { kind: 'pending', providerId: row.upstreamPaymentId }
        throw error
      }
      if (sent !== 'accepted') return refusedUpstream(row.upstreamPaymentId, sent.code)
      return followUpStatus((await requests.find(row.reference)) ?? row)
    }
    return followUpStatus(row)
  }

  const followUp = (kind: 'capture' | 'cancel' | 'refund', path: string) => async (request: ProviderFollowUp): Promise<ProviderAnswer> => {
    const body = { general: general(request.original), ...(kind === 'cancel' ? {} : { payment: { amount: request.amount, currency: request.currency } }) }
    return runFollowUp(await begin(request.reference, kind, request.original, { path, body }))
  }

  async function operationStatus(reference: string): Promise<ProviderAnswer | undefined> {
    const row = await requests.find(reference)
    if (!row) return undefined
    if (row.kind === 'card_payout' || row.kind === 'wallet_payout') return asAnswer(await chargeStatus(reference))
    return runFollowUp(row)
  }

  const upstream = `${connection.url.replace(/\/+$/, '')}#${connection.upstreamProjectId}`

  /**
   * The upstream's saved card for one of EPay's, created on its first merchant-initiated charge.
   * Hint: the upstream customer id is derived from EPay's token, never the token itself (a
   * credential at EPay), and the create call's Idempotency-Key from it too, so a create whose
   * answer was lost returns the same token when sent again.
   */
  async function upstreamToken(card: CardData, storedCard: { token: string }): Promise<UpstreamCardToken | UpstreamRefusal> {
    const known = await options.cardTokens.find(connection.projectId, storedCard.token, upstream)
    if (known) return known
    const customerId = `epay-${createHash('sha256').update(`${connection.projectId}:${storedCard.token}`).digest('hex').slice(0, 32)}`
    const answer = await client.call('/v2/token/card/create', { general: {}, customer: { id: customerId }, card: cardBody(card, false) }, `epay-token-${customerId}`)
    if (answer.kind === 'refused') return answer
    const token = answer.body['token']
    if (typeof token !== 'string' || token === '') throw new UpstreamUnavailable('a saved card without token')
    return options.cardTokens.keep(connection.projectId, storedCard.token, upstream, { customerId, token }, options.clock.now())
  }

  /** A charge without the cardholder, on the upstream's own saved card: never the PAN again. */
  async function recurring(request: Parameters<CardRoute['acquirer']['authorise']>[0] & { storedCard: { token: string } }): Promise<AcquirerResult> {
    const token = await upstreamToken(request.card, request.storedCard)
    if ('kind' in token) return refusedUpstream(request.reference, token.code)
    return charge(request.reference, 'recurring', '/v2/payment/card/recurring', () => ({
      payment: { amount: request.amount, currency: request.currency },
      customer: { id: token.customerId },
      account_token: token.token,
    }))
  }

  const cardBody = (card: CardData, withCvc: boolean) => ({
    pan: card.pan, year: card.expYear, month: card.expMonth, card_holder: card.holder || 'CARDHOLDER', ...(withCvc && card.cvc ? { cvv: card.cvc } : {}),
  })

  const card: CardRoute = {
    kind: 'card',
    providerId: ECOMMPAY_GATE_PROVIDER_ID,
    acquirer: {
      authorise: (request) =>
        request.storedCard && request.capture ? recurring({ ...request, storedCard: request.storedCard }) : charge(request.reference, request.capture ? 'sale' : 'auth', request.capture ? '/v2/payment/card/sale' : '/v2/payment/card/auth', () => ({
          payment: { amount: request.amount, currency: request.currency },
          card: cardBody(request.card, true),
          return_url: shopperReturnUrl(request.reference),
        })),
      status: chargeStatus,
      abandon,
    },
    operations: {
      capture: followUp('capture', '/v2/payment/card/capture'),
      cancel: followUp('cancel', '/v2/payment/card/cancel'),
      refund: followUp('refund', '/v2/payment/card/refund'),
      payout: async (request) =>
        asAnswer(await charge(request.reference, 'card_payout', '/v2/payment/card/payout', () => ({
          payment: { amount: request.amount, currency: request.currency },
          card: cardBody(request.card, false),
        }))) ?? { kind: 'pending', providerId: request.reference },
      status: operationStatus,
    },
  }

  const wallet: WalletRoute = {
    kind: 'wallet',
    providerId: ECOMMPAY_GATE_PROVIDER_ID,
    wallet: {
      start: (request) =>
        charge(request.reference, 'wallet_sale', '/v2/payment/wallet/jeton/sale', () => ({
          payment: { amount: request.amount, currency: request.currency },
          return_url: { success: request.returnUrl, decline: request.returnUrl },
        })),
      status: chargeStatus,
      abandon,
    },
    operations: {
      refund: followUp('refund', '/v2/payment/refund'),
      payout: async (request) =>
        asAnswer(await charge(request.reference, 'wallet_payout', '/v2/payment/wallet/jeton/payout', () => ({
          payment: { amount: request.amount, currency: request.currency },
          account: { number: request.account },
        }))) ?? { kind: 'pending', providerId: request.reference },
      status: operationStatus,
    },
  }
  return { card, wallet }
}

// A payout has no shopper step: a challenge or redirect upstream is still "waiting".
function asAnswer(result: AcquirerResult | undefined): ProviderAnswer | undefined {
  if (!result) return undefined
  switch (result.kind) {
    case 'approved':
      return { kind: 'approved', providerId: result.providerId, ...(result.account ? { account: result.account } : {}) }
    case 'declined':
      return result
    case 'pending':
    case 'challenge':
    case 'redirect':
      return { kind: 'pending', providerId: result.providerId }
  }
}
