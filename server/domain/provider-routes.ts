import { PaymentError, assertNever } from './errors.ts'
import type { Payment } from './payment.ts'
import type { AcquirerResult, CardRoute, MethodRoute, Project, ProviderRegistry, ProviderScope, WalletRoute } from './ports.ts'

/** The scope of a payment that exists: the mode it was created in. */
export function paymentScope(payment: Pick<Payment, 'projectId' | 'test'>): ProviderScope {
  return { projectId: payment.projectId, test: payment.test }
}

/** The scope of a payment about to be created: the project's mode now. */
export function projectScope(project: Pick<Project, 'id' | 'testMode'>): ProviderScope {
  return { projectId: project.id, test: project.testMode }
}

/**
 * Refuses to open a payment that no provider could take: a live project without a connection
 * is refused before the shopper types anything, and so is a forced method nobody serves.
 */
export async function requireServedMethod(registry: ProviderRegistry, scope: ProviderScope, candidates: readonly string[]): Promise<void> {
  const served = await registry.methods(scope)
  if (candidates.some((method) => served.includes(method))) return
  if (!scope.test && served.length === 0) {
    throw new PaymentError('provider_not_connected', `project ${scope.projectId} is live and has no payment provider connected: payments are refused`)
  }
  throw new PaymentError('method_unavailable', 'none of this payment\'s methods is available', { param: 'force_payment_method' })
}

/** The card provider of `scope`; refuses a registry that routes `card` to something else. */
export async function cardRoute(registry: ProviderRegistry, scope: ProviderScope): Promise<CardRoute> {
  return asCard(await registry.route(scope, 'card'))
}

/** The wallet provider of `method` in `scope`; refuses a method that is not a wallet. */
export async function walletRoute(registry: ProviderRegistry, scope: ProviderScope, method: string): Promise<WalletRoute> {
  return asWallet(await registry.route(scope, method))
}

/** Narrows a route to a wallet, or refuses. */
export function asWallet(route: MethodRoute): WalletRoute {
  if (route.kind !== 'wallet') throw new PaymentError('method_unavailable', 'this payment method is not a wallet', { param: 'method' })
  return route
}

/** Narrows a route to a card provider, or refuses. */
export function asCard(route: MethodRoute): CardRoute {
  if (route.kind !== 'card') throw new PaymentError('method_unavailable', 'this payment method does not take cards', { param: 'method' })
  return route
}

/**
 * The shopper-facing side of a route — the acquirer or the wallet — for the questions both
 * answer about an attempt: its status, and ending it when the shopper never finished.
 */
export function attemptProvider(route: MethodRoute): {
  status(reference: string): Promise<AcquirerResult | undefined>
  abandon(reference: string): Promise<AcquirerResult | undefined>
} {
  switch (route.kind) {
    case 'card':
      return route.acquirer
    case 'wallet':
      return route.wallet
    default:
      return assertNever(route, 'provider kind')
  }
}
