import type { Currency } from '../../protocol/money.ts'
import type { Operation, Payment } from './payment.ts'

/** Time, injected so tests and the callback schedule can run on a fixed or fast clock. */
export interface Clock {
  now(): Date
}

/** Identifier factory, injected so ids are random in production and predictable in tests. */
export interface Ids {
  payment(): string
  /** A random positive safe integer: ECommPay operation ids are numbers. */
  operation(): number
  request(): string
  event(): string
  session(): string
}

/** A merchant account (SPEC §2). */
export type Project = {
  id: number
  name: string
  /** Current secret first; older ones stay valid until their grace period ends. */
  secrets: string[]
  callbackUrl: string | undefined
  /** Exact origins allowed to frame the page and receive widget messages. */
  allowedOrigins: string[]
  /** Hosts that return URLs may point at. */
  returnHosts: string[]
  testMode: boolean
  /** Methods the project offers (dashboard setting); every method when unset. */
  methods?: ReadonlyArray<'card' | 'jeton'>
  /** The page's theme JSON when a payment signs none (dashboard setting). */
  theme?: string
  /** The platform's commission on paid money, in basis points; none when unset. */
  commissionBps?: number
}

/** Card data for one authorisation; lives in memory only and is never persisted. */
export type CardData = { pan: string; expMonth: number; expYear: number; cvc: string; holder: string }

/** What an acquirer answers about one authorisation. */
export type AcquirerResult =
  | { kind: 'approved'; providerId: string; authCode: string; account?: string }
  | { kind: 'declined'; providerId: string; code: string; message: string; account?: string }
  | { kind: 'pending'; providerId: string }
  /**
   * 3-D Secure: the shopper must pass the issuer's challenge at `acsUrl` before a result exists.
   * Hint: the URL is the provider's entry for this one attempt and may carry its own short-lived
   * credential, so EPay hands it to nobody but the shopper's page (or the Gate merchant who started it).
   */
  | { kind: 'challenge'; providerId: string; acsUrl: string }
  /** A wallet: the shopper approves on the wallet's page; the wallet notifies the result. */
  | { kind: 'redirect'; providerId: string; redirect: { method: 'GET' | 'POST'; url: string } }

/**
 * Who is paying whom, as an authentication request carries it (3-D Secure's merchant name and
 * browser language): what an ACS or a wallet page shows the shopper. Never card data.
 */
export type Shopper = { merchant: string; language: string | undefined }

/**
 * The adapter interface every card acquirer implements (SPEC §7), so a real one can be added
 * without touching the domain.
 * Hint: `reference` is EPay's operation id; acquirers dedupe on it, so a retried call after a
 * crash can never authorise twice.
 */
export interface CardAcquirer {
  authorise(request: {
    reference: string
    amount: number
    currency: Currency
    card: CardData
    capture: boolean
    shopper: Shopper
    /**
     * A merchant-initiated charge of a card the customer saved (`/v2/payment/card/recurring`):
     * no cardholder is there. A connector charges the upstream's own stored credential for it
     * where it has one; the simulators charge the card data alike.
     */
    storedCard?: { token: string }
  }): Promise<AcquirerResult>
  status(reference: string): Promise<AcquirerResult | undefined>
  /**
   * Gives up on an authorisation EPay has no answer for (a lost call, a 3-D Secure challenge the
   * shopper never finished): the acquirer makes it final and returns that result — a decline,
   * or the approval if it came first — so EPay never reports what the acquirer did not do.
   */
  abandon(reference: string): Promise<AcquirerResult | undefined>
}

/**
 * The adapter interface of a redirect wallet (Jeton): start a payment the shopper approves on
 * the wallet's page, then learn the result from the wallet (notification or status query).
 */
export interface WalletProvider {
  start(request: { reference: string; amount: number; currency: Currency; returnUrl: string; shopper: Shopper }): Promise<AcquirerResult>
  status(reference: string): Promise<AcquirerResult | undefined>
  /** Ends a wallet payment the shopper never finished; returns its final result. */
  abandon(reference: string): Promise<AcquirerResult | undefined>
}

/** What a provider answers about a capture, cancel, refund or payout request. */
export type ProviderAnswer =
  | { kind: 'approved'; providerId: string; account?: string }
  | { kind: 'declined'; providerId: string; code: string; message: string; account?: string }
  | { kind: 'pending'; providerId: string }

/** A follow-up on money the provider already holds; `original` is the provider's id of the charge. */
export type ProviderFollowUp = { reference: string; original: string; amount: number; currency: Currency }

/**
 * What a card acquirer does after an authorisation (capture, void, refund) and card payouts
 * (SPEC §7), beside CardAcquirer's authorise.
 * Hint: every call is idempotent by `reference` (EPay's operation id), and `status` answers
 * from the provider's own records, so a request retried after a crash or a timeout never moves
 * money twice and an unknown reference means the provider never acted.
 */
export interface CardOperations {
  capture(request: ProviderFollowUp): Promise<ProviderAnswer>
  cancel(request: ProviderFollowUp): Promise<ProviderAnswer>
  refund(request: ProviderFollowUp): Promise<ProviderAnswer>
  payout(request: { reference: string; amount: number; currency: Currency; card: CardData }): Promise<ProviderAnswer>
  status(reference: string): Promise<ProviderAnswer | undefined>
}

/** What a wallet (Jeton) does server to server: refunds of wallet sales and payouts to an account. */
export interface WalletOperations {
  refund(request: ProviderFollowUp): Promise<ProviderAnswer>
  payout(request: { reference: string; amount: number; currency: Currency; account: string }): Promise<ProviderAnswer>
  status(reference: string): Promise<ProviderAnswer | undefined>
}

/** A card method's provider for one project: the acquirer that authorises and what follows an authorisation. */
export type CardRoute = { kind: 'card'; providerId: string; acquirer: CardAcquirer; operations: CardOperations }

/** A redirect wallet's provider for one project: the shopper-facing start and the server-to-server side. */
export type WalletRoute = { kind: 'wallet'; providerId: string; wallet: WalletProvider; operations: WalletOperations }

/** Whatever serves one payment method (SPEC §7); `providerId` is recorded on every operation it runs. */
export type MethodRoute = CardRoute | WalletRoute

/**
 * Whose money a provider would move: a project's test payments go to the simulators, its live
 * ones to the project's own connection. A payment keeps the mode it was created in, so its
 * follow-ups reach the provider that holds its money even if the project changes mode later.
 */
export type ProviderScope = { projectId: number; test: boolean }

/**
 * The providers, keyed by project (and mode) and method (SPEC §7, STYLE §10): the domain asks
 * here and never names a provider.
 * Hint: an unknown method is refused (`method_unavailable`), never routed to a default; a live
 * project without a connection for the method is refused (`provider_not_connected`) before
 * anything is created or charged.
 */
export interface ProviderRegistry {
  route(scope: ProviderScope, method: string): Promise<MethodRoute>
  /** The methods `scope` can take now. */
  methods(scope: ProviderScope): Promise<readonly string[]>
}

/**
 * One leg of a double-entry ledger posting; the legs of one operation sum to zero.
 * `payouts_pending` holds a payout's amount between the request and the provider's answer.
 */
export type Posting = { account: 'acquirer' | 'merchant' | 'payouts_pending' | 'commission'; amount: number }

/** A callback waiting in the outbox; written in the same transaction as the result. */
export type CallbackEvent = {
  id: string
  projectId: number
  paymentRowId: string
  operationId: number
  url: string
  payload: Record<string, unknown>
  createdAt: Date
}

/** A saved card as stored: the PAN only sealed, never the CVC. */
export type CardTokenRecord = {
  token: string
  projectId: number
  customerId: string
  panSealed: string
  keyId: string
  bin: string
  last4: string
  brand: string
  expMonth: number
  expYear: number
  holder: string | undefined
  createdAt: Date
}

/**
 * An Idempotency-Key held by one run of a Gate request; `token` tells this run from a retry
 * that took the key over.
 */
export type KeyClaim = { projectId: number; key: string; token: string }

/** One atomic change: saved with compare-and-set on the payment's version, all or nothing. */
export type PaymentChange = {
  payment: Payment
  expectedVersion: number
  insertOperation?: Operation
  updateOperation?: Operation
  postings?: Posting[]
  callback?: CallbackEvent
  /** A card the shopper chose to save, written only together with the successful attempt. */
  saveCard?: CardTokenRecord
  /**
   * The merchant balance in the operation's currency must cover this amount before the
   * postings: checked under a per-project-and-currency lock in the same transaction, else
   * PaymentError('insufficient_balance') and nothing is written.
   */
  requireBalance?: number
  /**
   * The key of the Gate request making this change: the inserted operation is bound to it in the
   * same transaction, so the effect never exists without the record a retry reads.
   */
  claim?: KeyClaim
}

/** Persistence of payments and everything written together with them. */
export interface PaymentStore {
  /**
   * Inserts a new payment, or returns the one already stored under the same merchant id. With
   * `claim`, a created payment is bound to that Idempotency-Key in the same transaction.
   */
  createOrGet(payment: Payment, claim?: KeyClaim): Promise<{ payment: Payment; created: boolean }>
  get(id: string): Promise<Payment | undefined>
  findByMerchantId(projectId: number, paymentId: string): Promise<Payment | undefined>
  operations(paymentRowId: string): Promise<Operation[]>
  /** The operation with this id and its payment. */
  findOperation(id: number): Promise<{ payment: Payment; operation: Operation } | undefined>
  /**
   * Attempts still waiting for a result past the cutoff of their own status, oldest first: a
   * cutoff per status, so attempts that may legitimately wait long (a shopper on the ACS page)
   * never crowd out the ones that are due; the ones looked at least recently come first.
   */
  stalledAttempts(cutoffs: { processing: Date; challenge: Date; redirect: Date }, limit: number): Promise<Array<{ payment: Payment; operation: Operation }>>
  /** Records that the stalled-attempt resolver looked at `operationId` at `at` and found no result yet. */
  markChecked(operationId: number, at: Date): Promise<void>
  /** Gate payments still `new` (no attempt ever started) created before `createdBefore`, oldest first. */
  unstartedGatePayments(createdBefore: Date, limit: number): Promise<Payment[]>
  /** Unpaid payments (`new`, `decline`) whose `best_before` has passed. */
  expired(now: Date, limit: number): Promise<Payment[]>
  /** Declined purchases with attempts left, last changed before `changedBefore` or past `best_before`. */
  retryWindowsEnded(changedBefore: Date, now: Date, limit: number): Promise<Payment[]>
  /** Applies `change` atomically and returns the payment at its new version; throws PaymentError('conflict') if the version moved. */
  apply(change: PaymentChange): Promise<Payment>
}

/** Read access to merchant projects. */
export interface ProjectStore {
  get(id: number): Promise<Project | undefined>
}
