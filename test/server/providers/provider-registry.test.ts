import { describe, expect, it } from 'vitest'
import { projectListLines } from '../../../server/cli/project-list.ts'
import type { CardRoute, Project, WalletRoute } from '../../../server/domain/ports.ts'
import { createProviderRegistry, noLiveConnections, type LiveConnections } from '../../../server/providers/provider-registry.ts'

const never = () => Promise.reject(new Error('not called in this test'))
const card: CardRoute = { kind: 'card', providerId: 'sim-card', acquirer: { authorise: never, status: never, abandon: never }, operations: { capture: never, cancel: never, refund: never, payout: never, status: never } }
const jeton: WalletRoute = { kind: 'wallet', providerId: 'sim-jeton', wallet: { start: never, status: never, abandon: never }, operations: { refund: never, payout: never, status: never } }
const upstream: CardRoute = { ...card, providerId: 'upstream' }
const live: LiveConnections = { route: async (id, method) => (id === 7 && method === 'card' ? upstream : undefined), methods: async (id) => (id === 7 ? ['card', 'paypal'] : []) }
const project = (id: number, testMode: boolean): Project => ({ id, name: `P${id}`, secrets: ['s'], callbackUrl: undefined, allowedOrigins: [], returnHosts: [], testMode })

describe('createProviderRegistry', () => {
  const registry = createProviderRegistry({ simulators: { card, jeton }, live })

  it('serves test payments from the simulators only', async () => {
    expect(await registry.route({ projectId: 7, test: true }, 'card')).toBe(card)
    expect(await registry.route({ projectId: 1, test: true }, 'jeton')).toBe(jeton)
    expect(await registry.methods({ projectId: 1, test: true })).toEqual(['card', 'jeton'])
  })

  it('serves live payments from the project\'s connection, never a simulator', async () => {
    expect(await registry.route({ projectId: 7, test: false }, 'card')).toBe(upstream)
    await expect(registry.route({ projectId: 7, test: false }, 'jeton')).rejects.toMatchObject({ code: 'provider_not_connected' })
    await expect(registry.route({ projectId: 1, test: false }, 'card')).rejects.toMatchObject({ code: 'provider_not_connected' })
    // A method EPay does not know is not offered even if a connection claims it.
    expect(await registry.methods({ projectId: 7, test: false })).toEqual(['card'])
    expect(await registry.methods({ projectId: 1, test: false })).toEqual([])
  })

  it('refuses an unknown method in every mode', async () => {
    for (const test of [true, false]) {
      await expect(registry.route({ projectId: 7, test }, 'paypal')).rejects.toMatchObject({ code: 'method_unavailable' })
      await expect(registry.route({ projectId: 7, test }, '')).rejects.toMatchObject({ code: 'method_unavailable' })
    }
  })
})

describe('project list', () => {
  it('says test or live and what serves the payments', async () => {
    const lines = await projectListLines([project(112, true), project(8, false), project(7, false)], live)
    expect(lines[0]).toMatch(/^112\tP112\ttest\tproviders=simulators/)
    expect(lines[1]).toMatch(/^8\tP8\tlive\tproviders=no connection — payments refused\t/)
    expect(lines[2]).toMatch(/^7\tP7\tlive\tproviders=connected: card\t/)
    expect((await projectListLines([project(8, false)], noLiveConnections))[0]).toContain('no connection — payments refused')
  })
})
