import { describe, expect, it } from 'vitest'
import type { PaymentState } from '../../../protocol/schemas/page-api.ts'
import { ApiError, NetworkError } from '../../../hosted-page/src/api/client.ts'
import type { CheckoutStore, ViewState } from '../../../hosted-page/src/checkout/store.ts'
import { PARENT_ORIGIN, aFramedWindow, aPaymentState, aSession, aStore, fakeApi } from '../fixtures.ts'

const CARD = { pan: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123', holder: 'Jane Doe' }

/** Waits until the store settles on a view that is not `processing`. */
function settled(store: CheckoutStore): Promise<ViewState> {
  return new Promise((resolve) => {
    const check = () => {
      const { view } = store.getState()
      if (view.kind !== 'processing' && view.kind !== 'loading') {
        unsubscribe()
        resolve(view)
      }
    }
    const unsubscribe = store.subscribe(check)
    check()
  })
}

async function loadedStore(init: Parameters<typeof fakeApi>[0] = {}, extra: Parameters<typeof aStore>[1] = {}) {
  const fake = fakeApi(init)
  const store = aStore(fake.api, extra)
  await store.load()
  return { store, ...fake }
}

describe('createCheckoutStore', () => {
  it('starts loading, in the browser language', () => {
    const store = aStore(fakeApi().api, { browserLanguage: 'ru-RU' })
    expect(store.getState()).toMatchObject({ view: { kind: 'loading' }, lang: 'ru', session: null })
  })

  it.each<[PaymentState['status'], ViewState]>([
    ['new', { kind: 'form' }],
    ['success', { kind: 'success' }],
    ['awaiting capture', { kind: 'success' }],
    ['decline', { kind: 'decline', attemptsLeft: 1 }],
    ['expired', { kind: 'expired' }],
    ['cancelled', { kind: 'error', reason: 'closed' }],
    ['refunded', { kind: 'error', reason: 'closed' }],
    ['error', { kind: 'error', reason: 'unknown' }],
  ])('shows %j as %j', async (status, view) => {
    const { store } = await loadedStore({ session: aSession({ state: aPaymentState({ status, attempts_left: 1 }) }) })
    expect(store.getState().view).toEqual(view)
  })

  it.each<[ApiError | NetworkError, ViewState]>([
    [new ApiError('invalid_session', 401, 'bad token'), { kind: 'error', reason: 'session' }],
    [new ApiError('session_expired', 401, 'expired'), { kind: 'expired' }],
    [new ApiError('internal_error', 500, 'boom'), { kind: 'error', reason: 'unknown' }],
    [new NetworkError('offline'), { kind: 'error', reason: 'network' }],
  ])('maps a failed session load (%s) to %j', async (error, view) => {
    const { store, api } = await loadedStore({ session: error })
    expect(store.getState().view).toEqual(view)
    expect(api.getSession).toHaveBeenCalledTimes(error instanceof NetworkError ? 4 : 1)
  })

  it('ignores a second pay while the first is in flight', async () => {
    const { store, api } = await loadedStore({ pay: [aPaymentState({ status: 'success' })] })
    const first = store.pay(CARD)
    const second = store.pay(CARD)
    await Promise.all([first, second])
    expect(api.pay).toHaveBeenCalledTimes(1)
    expect(store.getState().view).toEqual({ kind: 'success' })
    await store.pay(CARD)
    expect(api.pay).toHaveBeenCalledTimes(1)
  })

  it('polls after a conflict until the other attempt settles', async () => {
    const { store } = await loadedStore({
      pay: [new ApiError('conflict', 409, 'in flight')],
      status: [aPaymentState({ status: 'processing' }), declinedState(2)],
    })
    await store.pay(CARD)
    expect(await settled(store)).toEqual({ kind: 'decline', attemptsLeft: 2 })
  })

  it('reads the status when the payment was already completed', async () => {
    const { store, api } = await loadedStore({
      pay: [new ApiError('payment_completed', 409, 'paid')],
      status: [aPaymentState({ status: 'success' })],
    })
    await store.pay(CARD)
    expect(await settled(store)).toEqual({ kind: 'success' })
    expect(api.getStatus).toHaveBeenCalledTimes(1)
  })

  it('shows expired when the session expires during pay', async () => {
    const { store } = await loadedStore({ pay: [new ApiError('session_expired', 401, 'expired')] })
    await store.pay(CARD)
    expect(store.getState().view).toEqual({ kind: 'expired' })
  })

  it('goes back to the form with a notice when a lost pay call never reached the payment', async () => {
    const { store, api } = await loadedStore({ pay: [new NetworkError('offline')], status: [aPaymentState({ status: 'new' })] })
    await store.pay(CARD)
    expect(await settled(store)).toEqual({ kind: 'form', notice: { reason: 'network' } })
    expect(api.pay).toHaveBeenCalledTimes(4)
  })

  it('retries status polling quietly on server errors and never shows a decline for them', async () => {
    const seen: ViewState[] = []
    const { store } = await loadedStore({
      session: aSession({ state: aPaymentState({ status: 'processing' }) }),
      status: [new ApiError('internal_error', 500, 'boom'), new NetworkError('offline'), aPaymentState({ status: 'success' })],
    })
    store.subscribe(() => seen.push(store.getState().view))
    expect(await settled(store)).toEqual({ kind: 'success' })
    expect(seen).toContainEqual({ kind: 'processing', connectionLost: true })
    expect(seen.map((v) => v.kind)).not.toContain('decline')
  })

  it('goes from a decline with attempts left back to the form, but not from a final one', async () => {
    const { store } = await loadedStore({ pay: [declinedState(1), declinedState(0)] })
    await store.pay(CARD)
    expect(store.getState().view).toEqual({ kind: 'decline', attemptsLeft: 1 })
    store.retry()
    expect(store.getState().view).toEqual({ kind: 'form' })
    await store.pay(CARD)
    expect(store.getState().view).toEqual({ kind: 'decline', attemptsLeft: 0 })
    store.retry()
    expect(store.getState().view).toEqual({ kind: 'decline', attemptsLeft: 0 })
  })

  it('holds results until epframe.loaded is posted, and posts loaded once', async () => {
    const win = aFramedWindow()
    const state = aPaymentState({ status: 'success' })
    const { store } = await loadedStore(
      { session: aSession({ parent_origin: PARENT_ORIGIN, guid: 'g', state: aPaymentState({ status: 'processing' }) }), status: [state] },
      { win },
    )
    expect(await settled(store)).toEqual({ kind: 'success' })
    expect(win.postMessage).not.toHaveBeenCalled()
    store.rendered()
    store.rendered()
    const names = win.postMessage.mock.calls.map(([m]) => (m as { message: string }).message)
    expect(names).toEqual(['epframe.loaded', 'epframe.payment.success'])
    expect(win.postMessage.mock.calls.every(([, origin]) => origin === PARENT_ORIGIN)).toBe(true)
  })

  it('posts payment.fail for each declined attempt', async () => {
    const win = aFramedWindow()
    const { store } = await loadedStore(
      { session: aSession({ parent_origin: PARENT_ORIGIN, guid: 'g' }), pay: [declinedState(2), declinedState(1)] },
      { win },
    )
    store.rendered()
    await store.pay(CARD)
    store.retry()
    await store.pay(CARD)
    const names = win.postMessage.mock.calls.map(([m]) => (m as { message: string }).message)
    expect(names).toEqual([
      'epframe.loaded',
      'epframe.payment.sent', 'epframe.payment.fail',
      'epframe.payment.sent', 'epframe.payment.fail',
    ])
  })

  it('stops polling once disposed', async () => {
    const { store, api } = await loadedStore({
      session: aSession({ state: aPaymentState({ status: 'processing' }) }),
      status: [aPaymentState({ status: 'processing' })],
    })
    store.dispose()
    const calls = api.getStatus.mock.calls.length
    await new Promise((r) => setTimeout(r, 20))
    expect(api.getStatus.mock.calls.length).toBeLessThanOrEqual(calls + 1)
  })
})

function declinedState(attemptsLeft: number): PaymentState {
  return aPaymentState({ status: 'decline', attempts_left: attemptsLeft, last_attempt: { status: 'decline', message: 'Card declined' } })
}
