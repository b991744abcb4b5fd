import { vi } from 'vitest'
import type { PayBody, PaymentState, SessionView } from '../../protocol/schemas/page-api.ts'
import type { PageApi } from '../../hosted-page/src/api/client.ts'
import { createCheckoutStore, type CheckoutDeps } from '../../hosted-page/src/checkout/store.ts'
import { createParentBridge } from '../../hosted-page/src/parent/bridge.ts'

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
    state: aPaymentState(),
    ...overrides,
  }
}

type Answer<T> = T | Error | (() => T | Promise<T>)

/** A PageApi whose answers are queued per call; the last answer repeats. */
export function fakeApi(init: { session?: Answer<SessionView>; pay?: Answer<PaymentState>[]; status?: Answer<PaymentState>[] } = {}) {
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
  } satisfies PageApi
  return { api, payBodies }
}

/** A window stand-in inside a frame; records what the page posts to its parent. */
export function aFramedWindow() {
  const postMessage = vi.fn<(message: unknown, targetOrigin: string) => void>()
  return { parent: { postMessage }, postMessage }
}

/** The real store with a fake api and fast timers. */
export function aStore(api: PageApi | null, extra: Partial<CheckoutDeps> & { win?: ReturnType<typeof aFramedWindow> } = {}) {
  const { win, ...deps } = extra
  return createCheckoutStore({
    api,
    connectParent: (session) =>
      win
        ? createParentBridge(win, { parentOrigin: session.parent_origin, guid: session.guid }, document.documentElement)
        : { post() {}, watchSize: () => () => {} },
    retryDelaysMs: [1, 1, 1],
    pollIntervalMs: 1,
    ...deps,
  })
}

export const VALID_CARD = { number: '4242 4242 4242 4242', expiry: '12/40', cvc: '123', holder: 'Jane Doe' }
