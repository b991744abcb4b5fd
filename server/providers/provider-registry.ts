import { PaymentError } from '../domain/errors.ts'
import type { CardRoute, MethodRoute, ProviderRegistry, ProviderScope, WalletRoute } from '../domain/ports.ts'

/** The payment methods EPay knows; anything else is refused by every registry. */
export const KNOWN_METHODS = ['card', 'jeton'] as const

/**
 * Where a live project's real provider connections come from. None exist yet: the first
 * (an upstream gateway speaking the ECommPay Gate protocol, per project and method) plugs in
 * here, so the domain and the routes do not change when it arrives.
 */
export interface LiveConnections {
  /** The connection serving `method` for the live project, if one is configured. */
  route(projectId: number, method: string): Promise<MethodRoute | undefined>
  /** The methods the project's connections serve. */
  methods(projectId: number): Promise<readonly string[]>
  /** What the project is connected to, for operators (never a secret). */
  describe?(projectId: number): Promise<string | undefined>
}

/** No live connections at all: every live project is refused until one is configured. */
export const noLiveConnections: LiveConnections = {
  route: async () => undefined,
  methods: async () => [],
}

/**
 * The provider registry (SPEC §7): test payments are served by the simulators, and only
 * test payments are; live payments by the project's connection, and without one they are
 * refused (`provider_not_connected`) before anything is created or charged.
 * Hint: a simulator never serves a live payment, whatever the method or the project — that is
 * what keeps test cards from approving real orders and the simulated ACS from deciding them.
 */
export function createProviderRegistry(options: { simulators: { card: CardRoute; jeton: WalletRoute }; live: LiveConnections }): ProviderRegistry {
  const simulated: ReadonlyMap<string, MethodRoute> = new Map<string, MethodRoute>([
    ['card', options.simulators.card],
    ['jeton', options.simulators.jeton],
  ])
  return {
    async route(scope: ProviderScope, method: string): Promise<MethodRoute> {
      if (!(KNOWN_METHODS as readonly string[]).includes(method)) {
        throw new PaymentError('method_unavailable', `payment method "${method}" is not available`, { param: 'method' })
      }
      if (scope.test) {
        const route = simulated.get(method)
        if (!route) throw new PaymentError('method_unavailable', `payment method "${method}" is not available in test mode`, { param: 'method' })
        return route
      }
      const route = await options.live.route(scope.projectId, method)
      if (!route) throw notConnected(scope.projectId, method)
      return route
    },
    async methods(scope: ProviderScope): Promise<readonly string[]> {
      if (scope.test) return [...simulated.keys()]
      return (await options.live.methods(scope.projectId)).filter((m) => (KNOWN_METHODS as readonly string[]).includes(m))
    },
  }
}

/** What `project list` says about a project's providers, for operators. */
export async function describeProviders(project: { id: number; testMode: boolean }, live: Pick<LiveConnections, 'methods' | 'describe'>): Promise<string> {
  if (project.testMode) {
    // A test project's payments stay on the simulators; a connection it has serves it once live.
    const to = await live.describe?.(project.id)
    return `simulators (test cards, test wallet)${to ? `; connected for live: ${to}` : ''}`
  }
  const methods = (await live.methods(project.id)).filter((m) => (KNOWN_METHODS as readonly string[]).includes(m))
  if (methods.length === 0) return 'no connection — payments refused'
  const to = await live.describe?.(project.id)
  return `connected: ${methods.join(',')}${to ? ` via ${to}` : ''}`
}

function notConnected(projectId: number, method: string): PaymentError {
  return new PaymentError(
    'provider_not_connected',
    `project ${projectId} is live and has no ${method} provider connected: payments are refused (test projects use the simulators)`,
  )
}
