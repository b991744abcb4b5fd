import { systemClock } from '../../../server/ids.ts'
import { createEcommpayGateConnector } from '../../../server/providers/ecommpay-gate/connector.ts'
import { upstreamRequests } from '../../../server/providers/ecommpay-gate/upstream-requests.ts'
import { upstreamCardTokens } from '../../../server/providers/ecommpay-gate/upstream-tokens.ts'
import { simTickets } from '../../../server/providers/sim-ticket.ts'
import { passChallenge, passWallet } from '../../fixtures/sim-browser.ts'
import { startUpstreamEpay, UPSTREAM_PROJECT } from '../../fixtures/upstream-epay.ts'
import { describeProvider } from './contract/describe-provider.ts'

const card = (pan: string) => ({ pan, expMonth: 12, expYear: 2040, cvc: '123', holder: 'JANE DOE' })

// The connector against a second EPay over real loopback HTTP: the upstream's test project runs
// the simulators, so the same contract the simulators pass holds through the Gate protocol.
describeProvider('ecommpay-gate connector to an upstream EPay', async () => {
  const up = await startUpstreamEpay()
  // The connector's records in the upstream's database, a table the upstream never touches:
  // one migrated database per file keeps the suite fast on a busy machine.
  const requests = upstreamRequests(up.upstream.sql)
  const tickets = { acs: simTickets('front-ticket-secret-0123456789', 'upstream-acs'), return: simTickets('front-ticket-secret-0123456789', 'upstream-return') }
  const connector = createEcommpayGateConnector({
    connection: { projectId: 501, provider: 'ecommpay-gate', url: up.url, upstreamProjectId: UPSTREAM_PROJECT.id, methods: ['card', 'jeton'], secret: UPSTREAM_PROJECT.secret },
    requests,
    cardTokens: upstreamCardTokens(up.upstream.sql),
    publicUrl: 'http://127.0.0.1:9',
    tickets,
    clock: systemClock,
    timeoutMs: 10_000,
  })
  // The upstream's own redirect_data, which the connector keeps for the shopper's way through EPay.
  const upstreamRedirect = async (acsUrl: string) => {
    const reference = tickets.acs.verify(new URL(acsUrl).pathname.split('/').at(-1) ?? '', new Date())
    const row = reference ? await requests.find(reference) : undefined
    if (!row?.redirect) throw new Error('no upstream redirect_data recorded for this challenge')
    return { ...row.redirect, method: row.redirect.method === 'GET' ? ('GET' as const) : ('POST' as const) }
  }
  return {
    card: {
      route: connector.card,
      cards: { approve: card('4242424242424242'), decline: card('4000000000000002'), challenge: card('4000000000003220'), timeout: card('4000000000000119') },
      async decideChallenge(challenge, decision) {
        await passChallenge(up.requester, await upstreamRedirect(challenge.acsUrl), decision)
      },
    },
    wallet: {
      route: connector.wallet,
      async decide(redirect, decision) {
        const onward = await upstreamRedirect(redirect.redirect.url)
        await passWallet(up.requester, { method: 'GET', url: onward.url, body: onward.body }, decision)
      },
      payoutAccount: '93017949',
      declinedPayoutAmount: 40000,
    },
    settle: up.settle,
    async close() {
      await up.close()
    },
  }
})
