import { systemClock } from '../../../server/ids.ts'
import { SIMULATED_CARD_PROVIDER_ID, SIMULATED_JETON_PROVIDER_ID } from '../../../server/providers/provider-ids.ts'
import { createSimulatedCardAcquirer } from '../../../server/providers/simulated-card-acquirer.ts'
import { createSimulatedCardOperations } from '../../../server/providers/simulated-card-operations.ts'
import { createSimulatedJeton } from '../../../server/providers/simulated-jeton.ts'
import { createSimulatedJetonPayouts } from '../../../server/providers/simulated-jeton-payouts.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { describeProvider } from './contract/describe-provider.ts'

const card = (pan: string) => ({ pan, expMonth: 12, expYear: 2040, cvc: '123', holder: 'JANE DOE' })
// The last path segment of an ACS or wallet address is the simulator's ticket for it.
const ticketOf = (url: string) => new URL(url).pathname.split('/').at(-1) ?? ''

for (const db of testDatabases()) {
  describeProvider(`simulated acquirer and wallet (${db.name})`, async () => {
    const sql = await db.open()
    const acquirer = createSimulatedCardAcquirer(sql, {
      latencyMs: 0, timeoutMs: 20, acsUrl: 'http://127.0.0.1:9/sim/acs', secret: 'contract-secret-0123456789', clock: systemClock, challengeTtlMs: 60_000,
    })
    const jeton = createSimulatedJeton(sql, { pageUrl: 'http://127.0.0.1:9/sim/wallets/jeton', secret: 'contract-secret-0123456789', clock: systemClock, pageTtlMs: 60_000 })
    return {
      card: {
        route: { kind: 'card', providerId: SIMULATED_CARD_PROVIDER_ID, acquirer, operations: createSimulatedCardOperations(sql, { latencyMs: 0, timeoutMs: 20 }) },
        cards: { approve: card('4242424242424242'), decline: card('4000000000000002'), challenge: card('4000000000003220'), timeout: card('4000000000000119') },
        async decideChallenge(challenge, decision) {
          if (!(await acquirer.decideChallenge(ticketOf(challenge.acsUrl), decision))) throw new Error('the challenge was not decided')
        },
      },
      wallet: {
        route: { kind: 'wallet', providerId: SIMULATED_JETON_PROVIDER_ID, wallet: jeton, operations: createSimulatedJetonPayouts(sql) },
        async decide(redirect, decision) {
          if (!(await jeton.decide(ticketOf(redirect.redirect.url), decision))?.changed) throw new Error('the wallet payment was not decided')
        },
        payoutAccount: '93017949',
        declinedPayoutAmount: 40000,
      },
      settle: async () => undefined,
      close: () => sql.close(),
    }
  })
}
