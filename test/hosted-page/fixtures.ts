import { vi } from 'vitest'
import type { PayBody, PaymentState, SavedCard, SessionView } from '../../protocol/schemas/page-api.ts'
import type { PageApi } from '../../hosted-page/src/api/client.ts'
import { createCheckoutStore, type CheckoutDeps } from '../../hosted-page/src/checkout/store.ts'
import { loadContract } from '../../hosted-page/src/api/load-contract.ts'
import { createParentBridge } from '../../hosted-page/src/parent/bridge.ts'

// The API client checks answers with the contract chunk (valibot), fetched on its first call; in
// tests it is fetched here, on import, so its first transform does not count against a test's time.
await loadContract()

export const PARENT_ORIGIN = 'https://shop.example'

export function aPaymentState(overrides: Partial<PaymentState> = {}): PaymentState {
  return { status: 'new', attempts_left: 3, ...overrides }
}

export function aSession(overrides: Partial<SessionView> = {}): SessionView {
  return {
    payment: { id: 'order-1001', amount: 1000, currency: 'EUR', description: 'Order #1001' },
    merchant: { name: 'Demo Shop' },
    test_mode: false,
    language: 'en',
    methods: ['card'],
    saved_cards: [],
    save_card: 'never',
    state: aPaymentState(),
    ...overrides,
  }
}

export function aSavedCard(overrides: Partial<SavedCard> = {}): SavedCard {
  return { token: 'tok_visa', mask: '424242******4242', brand: 'visa', exp_month: 12, exp_year: 2040, ...overrides }
}

type Answer<T> = T | Error | (() => T | Promise<T>)

/** A PageApi whose answers are queued per call; the last answer repeats. */
export function fakeApi(
  init: {
    session?: Answer<SessionView>
    pay?: Answer<PaymentState>[]
    status?: Answer<PaymentState>[]
    deleteSavedCard?: Answer<SavedCard[]>[]
  } = {},
) {
  const payBodies: PayBody[] = []
  const answer = async <T,>(queue: Answer<T>[] | undefined, what: string): Promise<T> => {
    const next = queue && (queue.length > 1 ? queue.shift() : queue[0])
    if (next === undefined) throw new Error(`fakeApi: no ${what} answer`)
    if (next instanceof Error) throw next
    return typeof next === 'function' ? (next as () => T | Promise<T>)() : next
  }
  const api = {
    getSession: vi.fn(() => answer([init.session ?? aSession()], 'session')),
    getStatus: vi.fn(() => answer(init.status, 'status')),
    pay: vi.fn((body: PayBody) => {
      payBodies.push(body)
      return answer(init.pay, 'pay')
    }),
    deleteSavedCard: vi.fn((_token: string) => answer(init.deleteSavedCard, 'deleteSavedCard')),
  } satisfies PageApi
  return { api, payBodies }
}

/** A window stand-in inside a frame; records what the page posts to its parent. */
export function aFramedWindow() {
  const postMessage = vi.fn<(message: unknown, targetOrigin: string) => void>()
  return { parent: { postMessage }, postMessage }
}

/**
 * The real store with a fake api and fast timers. Redirects use the real form submit (tests
 * that reach one stub `HTMLFormElement.prototype.submit`); the top window is a spy.
 */
export function aStore(api: PageApi | null, extra: Partial<CheckoutDeps> & { win?: ReturnType<typeof aFramedWindow> } = {}) {
  const { win, ...deps } = extra
  return createCheckoutStore({
    api,
    connectParent: (session) =>
      win
        ? createParentBridge(win, { parentOrigin: session.parent_origin, guid: session.guid }, document.documentElement)
        : { post() {}, watchSize: () => () => {}, listen: () => () => {} },
    retryDelaysMs: [1, 1, 1],
    pollIntervalMs: 1,
    navigateTop: vi.fn(() => true),
    ...deps,
  })
}

export const VALID_CARD = { number: '4242 4242 4242 4242', expiry: '12/40', cvc: '123', holder: 'Jane Doe' }
