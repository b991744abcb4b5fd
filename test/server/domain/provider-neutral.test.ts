import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { providerNumber } from '../../../server/domain/callback-payload.ts'
import { SIMULATED_CARD_PROVIDER_ID, SIMULATED_JETON_PROVIDER_ID } from '../../../server/providers/provider-ids.ts'

const DOMAIN = new URL('../../../server/domain/', import.meta.url)

describe('the domain names no provider', () => {
  it('has no simulator ids and no method defaulting to a wallet', () => {
    for (const file of readdirSync(DOMAIN).filter((f) => f.endsWith('.ts'))) {
      const text = readFileSync(new URL(file, DOMAIN), 'utf8')
      expect(text, file).not.toMatch(/'sim-(card|jeton)'/)
      // "anything that is not a card goes to Jeton": a method is routed by the registry, never by a ternary.
      expect(text, file).not.toMatch(/method\s*===\s*'card'\s*\?[^:]*:\s*'jeton'/)
      expect(text, file).not.toMatch(/from '\.\.\/providers\//)
    }
  })

  it('reports the provider\'s own integer id, and a stable number for a named one', () => {
    expect(providerNumber(SIMULATED_CARD_PROVIDER_ID)).toBe(1001)
    expect(providerNumber(SIMULATED_JETON_PROVIDER_ID)).toBe(1079)
    const named = providerNumber('ecommpay-gate')
    expect(named).toBe(providerNumber('ecommpay-gate'))
    expect(Number.isInteger(named) && named >= 100_000 && named < 1_000_000).toBe(true)
    expect(providerNumber('other-gate')).not.toBe(named)
  })
})
