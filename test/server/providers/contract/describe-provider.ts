import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AcquirerResult, CardData, CardRoute, ProviderAnswer, Shopper, WalletRoute } from '../../../../server/domain/ports.ts'

type Challenge = Extract<AcquirerResult, { kind: 'challenge' }>
type Redirect = Extract<AcquirerResult, { kind: 'redirect' }>

/** A card provider under test, with what only its tests know: its test cards and how a shopper passes its ACS. */
export type CardHarness = {
  route: CardRoute
  cards: { approve: CardData; decline: CardData; challenge: CardData; timeout: CardData }
  /** The shopper at the ACS of `challenge`: passes or fails the authentication. */
  decideChallenge(challenge: Challenge, decision: 'confirm' | 'fail'): Promise<void>
}

/** A redirect wallet under test. */
export type WalletHarness = {
  route: WalletRoute
  /** The shopper on the wallet's page of `redirect`: approves or declines. */
  decide(redirect: Redirect, decision: 'success' | 'decline'): Promise<void>
  payoutAccount: string
  /** A payout amount the provider declines (its test rules). */
  declinedPayoutAmount: number
}

export type ProviderHarness = {
  card?: CardHarness
  wallet?: WalletHarness
  /**
   * Lets the provider finish what it does on its own after a lost answer (an upstream's
   * background resolver); a provider that records before it answers needs nothing.
   */
  settle(): Promise<void>
  close(): Promise<void>
}

const SHOPPER: Shopper = { merchant: 'Contract Shop', language: 'en' }
/** References are EPay operation ids: random positive integers, new for every call of the suite. */
const reference = () => String(100_000_000_000_000 + Math.floor(Math.random() * 900_000_000_000_000))

/**
 * The provider contract (SPEC §7, issue 14): every card acquirer and wallet EPay routes to —
 * the simulators of test mode and every real connector — passes this suite, so adding a
 * provider means passing it. It speaks only the adapter interface (`CardRoute`, `WalletRoute`):
 * what it checks is what the domain relies on.
 */
export function describeProvider(name: string, setup: () => Promise<ProviderHarness>): void {
  describe(`provider contract: ${name}`, () => {
    let h: ProviderHarness
    beforeAll(async () => {
      h = await setup()
    })
    afterAll(async () => {
      await h?.close()
    })
    const card = () => {
      if (!h.card) throw new Error(`${name} has no card side`)
      return h.card
    }
    const wallet = () => {
      if (!h.wallet) throw new Error(`${name} has no wallet side`)
      return h.wallet
    }
    const authorise = (ref: string, pan: CardData, capture = true) =>
      card().route.acquirer.authorise({ reference: ref, amount: 1500, currency: 'EUR', card: pan, capture, shopper: SHOPPER })
    const approvedAuthorisation = async (capture: boolean) => {
      const ref = reference()
      const result = await authorise(ref, card().cards.approve, capture)
      expect(result.kind).toBe('approved')
      return { ref, providerId: result.providerId }
    }
    const final = (result: AcquirerResult | ProviderAnswer | undefined) => ({ kind: result?.kind, providerId: result?.providerId, ...(result?.kind === 'declined' ? { code: result.code } : {}) })

    describe('card', () => {
      it('authorises, answers a duplicate request with the first answer, and tells it by status', async () => {
        const ref = reference()
        const first = await authorise(ref, card().cards.approve)
        expect(first).toMatchObject({ kind: 'approved', providerId: expect.any(String) })
        if (first.kind === 'approved') expect(first.authCode).toMatch(/\S/)
        expect(final(await authorise(ref, card().cards.approve))).toEqual(final(first))
        expect(final(await card().route.acquirer.status(ref))).toEqual(final(first))
      })

      it('charges a saved card without its holder, once, and tells it by status', async () => {
        const ref = reference()
        const saved = { ...card().cards.approve, cvc: '' }
        const charge = () => card().route.acquirer.authorise({ reference: ref, amount: 900, currency: 'EUR', card: saved, capture: true, shopper: SHOPPER, storedCard: { token: `tok-${ref}` } })
        const first = await charge()
        expect(first).toMatchObject({ kind: 'approved', providerId: expect.any(String) })
        expect(final(await charge())).toEqual(final(first))
        expect(final(await card().route.acquirer.status(ref))).toEqual(final(first))
        const refund = reference()
        expect((await card().route.operations.refund({ reference: refund, original: first.providerId, amount: 900, currency: 'EUR' })).kind).toBe('approved')
      })

      it('declines with the provider\'s code', async () => {
        const ref = reference()
        const result = await authorise(ref, card().cards.decline)
        expect(result).toMatchObject({ kind: 'declined', code: expect.stringMatching(/^\d+$/), message: expect.any(String) })
        expect(final(await card().route.acquirer.status(ref))).toEqual(final(result))
      })

      it('asks for 3-D Secure, and the shopper\'s pass approves it', async () => {
        const ref = reference()
        const result = await authorise(ref, card().cards.challenge)
        expect(result.kind).toBe('challenge')
        if (result.kind !== 'challenge') return
        expect(new URL(result.acsUrl).protocol).toMatch(/^https?:$/)
        expect((await card().route.acquirer.status(ref))?.kind).toBe('challenge')
        await card().decideChallenge(result, 'confirm')
        expect((await card().route.acquirer.status(ref))?.kind).toBe('approved')
      })

      it('declines a failed 3-D Secure authentication', async () => {
        const ref = reference()
        const result = await authorise(ref, card().cards.challenge)
        if (result.kind !== 'challenge') throw new Error(`expected a challenge, got ${result.kind}`)
        await card().decideChallenge(result, 'fail')
        expect((await card().route.acquirer.status(ref))?.kind).toBe('declined')
      })

      it('a lost answer is never a result: the status tells what the provider did', async () => {
        const ref = reference()
        let answered: AcquirerResult | undefined
        try {
          answered = await authorise(ref, card().cards.timeout)
        } catch {
          answered = undefined
        }
        // A provider may also answer "pending" instead of timing out; never a guessed result.
        if (answered) expect(answered.kind).toBe('pending')
        await h.settle()
        expect((await card().route.acquirer.status(ref))?.kind).toBe('approved')
      })

      it('does not know references it never saw', async () => {
        expect(await card().route.acquirer.status(reference())).toBeUndefined()
        expect(await card().route.operations.status(reference())).toBeUndefined()
      })

      it('abandoning an authorisation it never saw declines it for good', async () => {
        const ref = reference()
        expect((await card().route.acquirer.abandon(ref))?.kind).toBe('declined')
        // A late (retried) call for the same reference must not approve what EPay reported declined.
        expect((await authorise(ref, card().cards.approve)).kind).toBe('declined')
      })

      it('captures an authorisation once, whatever the retries', async () => {
        const { providerId } = await approvedAuthorisation(false)
        const ref = reference()
        const first = await card().route.operations.capture({ reference: ref, original: providerId, amount: 1500, currency: 'EUR' })
        expect(first.kind).toBe('approved')
        expect(final(await card().route.operations.capture({ reference: ref, original: providerId, amount: 1500, currency: 'EUR' }))).toEqual(final(first))
        expect(final(await card().route.operations.status(ref))).toEqual(final(first))
      })

      it('voids an authorisation', async () => {
        const { providerId } = await approvedAuthorisation(false)
        const ref = reference()
        expect((await card().route.operations.cancel({ reference: ref, original: providerId, amount: 1500, currency: 'EUR' })).kind).toBe('approved')
        expect((await card().route.operations.status(ref))?.kind).toBe('approved')
      })

      it('refunds a sale in parts, each part once', async () => {
        const { providerId } = await approvedAuthorisation(true)
        const one = reference()
        const two = reference()
        const first = await card().route.operations.refund({ reference: one, original: providerId, amount: 500, currency: 'EUR' })
        expect(first.kind).toBe('approved')
        expect(final(await card().route.operations.refund({ reference: one, original: providerId, amount: 500, currency: 'EUR' }))).toEqual(final(first))
        expect((await card().route.operations.refund({ reference: two, original: providerId, amount: 1000, currency: 'EUR' })).kind).toBe('approved')
        expect((await card().route.operations.status(one))?.kind).toBe('approved')
        expect((await card().route.operations.status(two))?.kind).toBe('approved')
      })

      it('pays out to a card, declines by test card, and answers duplicates alike', async () => {
        const ok = reference()
        const paid = await card().route.operations.payout({ reference: ok, amount: 700, currency: 'EUR', card: card().cards.approve })
        expect(paid.kind).toBe('approved')
        expect(final(await card().route.operations.payout({ reference: ok, amount: 700, currency: 'EUR', card: card().cards.approve }))).toEqual(final(paid))
        expect(final(await card().route.operations.status(ok))).toEqual(final(paid))
        const refused = await card().route.operations.payout({ reference: reference(), amount: 700, currency: 'EUR', card: card().cards.decline })
        expect(refused).toMatchObject({ kind: 'declined', code: expect.stringMatching(/^\d+$/) })
      })
    })

    describe('wallet', () => {
      const start = (ref: string) => wallet().route.wallet.start({ reference: ref, amount: 1500, currency: 'EUR', returnUrl: 'https://shop.example/back', shopper: SHOPPER })
      const started = async () => {
        const ref = reference()
        const result = await start(ref)
        if (result.kind !== 'redirect') throw new Error(`expected a redirect, got ${result.kind}`)
        return { ref, result }
      }

      it('sends the shopper to the wallet and waits for them', async () => {
        const { ref, result } = await started()
        expect(new URL(result.redirect.url).protocol).toMatch(/^https?:$/)
        expect((await start(ref)).kind).toBe('redirect')
        // Waiting for the shopper: "pending", or the same redirect again — never a result.
        expect(['pending', 'redirect']).toContain((await wallet().route.wallet.status(ref))?.kind)
      })

      it('approves what the shopper approved', async () => {
        const { ref, result } = await started()
        await wallet().decide(result, 'success')
        expect((await wallet().route.wallet.status(ref))?.kind).toBe('approved')
      })

      it('declines what the shopper declined', async () => {
        const { ref, result } = await started()
        await wallet().decide(result, 'decline')
        expect((await wallet().route.wallet.status(ref))?.kind).toBe('declined')
      })

      it('ends a payment the shopper never finished as declined', async () => {
        const { ref } = await started()
        const ended = await wallet().route.wallet.abandon(ref)
        if (ended?.kind !== 'declined') {
          // A provider that cannot end a payment on request ends it itself (the upstream's own
          // resolver); until then it must still say "waiting", never a result.
          expect(['pending', 'redirect']).toContain(ended?.kind)
          await h.settle()
        }
        expect((await wallet().route.wallet.status(ref))?.kind).toBe('declined')
      })

      it('refunds an approved payment once', async () => {
        const { ref, result } = await started()
        await wallet().decide(result, 'success')
        const approved = await wallet().route.wallet.status(ref)
        const refund = reference()
        const first = await wallet().route.operations.refund({ reference: refund, original: approved!.providerId, amount: 1500, currency: 'EUR' })
        expect(first.kind).toBe('approved')
        expect(final(await wallet().route.operations.refund({ reference: refund, original: approved!.providerId, amount: 1500, currency: 'EUR' }))).toEqual(final(first))
      })

      it('pays out to an account, and declines by its test rules', async () => {
        const ok = reference()
        const paid = await wallet().route.operations.payout({ reference: ok, amount: 1200, currency: 'EUR', account: wallet().payoutAccount })
        expect(paid.kind).toBe('approved')
        expect(final(await wallet().route.operations.payout({ reference: ok, amount: 1200, currency: 'EUR', account: wallet().payoutAccount }))).toEqual(final(paid))
        expect(final(await wallet().route.operations.status(ok))).toEqual(final(paid))
        const declined = await wallet().route.operations.payout({ reference: reference(), amount: wallet().declinedPayoutAmount, currency: 'EUR', account: wallet().payoutAccount })
        expect(declined).toMatchObject({ kind: 'declined', code: expect.stringMatching(/^\d+$/) })
      })

      it('does not know references it never saw', async () => {
        expect(await wallet().route.wallet.status(reference())).toBeUndefined()
        expect(await wallet().route.operations.status(reference())).toBeUndefined()
      })
    })
  })
}
