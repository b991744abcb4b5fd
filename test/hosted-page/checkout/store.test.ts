import { describe, expect, it, vi } from 'vitest'
import type { PaymentState, RedirectData } from '../../../protocol/schemas/page-api.ts'
import { ApiError, NetworkError } from '../../../hosted-page/src/api/client.ts'
import type { CheckoutStore, ViewState } from '../../../hosted-page/src/checkout/store.ts'
import { PARENT_ORIGIN, aFramedWindow, aPaymentState, aSavedCard, aSession, aStore, fakeApi } from '../fixtures.ts'

const CARD = {
  method: 'card',
  card: { pan: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123', holder: 'Jane Doe' },
} as const

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
  it('starts loading in English, then shows the browser language when the session has none', async () => {
    const store = aStore(fakeApi({ session: aSession({ language: undefined }) }).api, { browserLanguages: ['fr-CA', 'ru-RU'] })
    expect(store.getState()).toMatchObject({ view: { kind: 'loading' }, lang: 'en', session: null })
    await store.load()
    expect(store.getState()).toMatchObject({ view: { kind: 'form' }, lang: 'fr' })
  })

  it('prefers the session language to the browser, and falls back to English when a catalogue fails to load', async () => {
    const { store } = await loadedStore({ session: aSession({ language: 'de' }) }, { browserLanguages: ['ru'] })
    expect(store.getState().lang).toBe('de')
    const failing = aStore(fakeApi({ session: aSession({ language: 'tr' }) }).api, { loadLanguage: async () => 'en' })
    await failing.load()
    expect(failing.getState().lang).toBe('en')
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
    // Try again shows the form with one line about the decline it follows.
    expect(store.getState().view).toEqual({ kind: 'form', notice: { reason: 'declined', code: '20102' } })
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

describe('createCheckoutStore redirects and returns', () => {
  const ACS: RedirectData = { method: 'POST', url: 'https://pay.example/sim/acs?tx=secret', body: { PaReq: 'abc', MD: 'md1' } }
  const awaiting3ds = aPaymentState({ status: 'awaiting 3ds result', redirect_data: ACS })

  it('goes to redirect_data inside the frame after the pay answer, without asking the parent to navigate', async () => {
    const win = aFramedWindow()
    const redirect = vi.fn(() => true)
    const { store } = await loadedStore({ session: aSession({ parent_origin: PARENT_ORIGIN, guid: 'g' }), pay: [awaiting3ds] }, { win, redirect })
    store.rendered()
    await store.pay(CARD)
    expect(store.getState().view).toEqual({ kind: 'redirecting', auto: true })
    expect(redirect).toHaveBeenCalledWith(ACS)
    const names = win.postMessage.mock.calls.map(([m]) => (m as { message: string }).message)
    expect(names).toEqual(['epframe.loaded', 'epframe.payment.sent'])
  })

  it('redirects a payment found awaiting 3-D Secure on load only after epframe.loaded', async () => {
    const redirect = vi.fn(() => true)
    const { store } = await loadedStore({ session: aSession({ state: awaiting3ds }) }, { redirect })
    expect(store.getState().view).toEqual({ kind: 'redirecting', auto: true })
    expect(redirect).not.toHaveBeenCalled()
    store.rendered()
    expect(redirect).toHaveBeenCalledTimes(1)
  })

  it('does not redirect by itself after Back/Forward, but Continue does', async () => {
    const redirect = vi.fn(() => true)
    const { store } = await loadedStore({ session: aSession({ state: awaiting3ds }) }, { redirect, autoNavigate: false })
    store.rendered()
    expect(store.getState().view).toEqual({ kind: 'redirecting', auto: false })
    expect(redirect).not.toHaveBeenCalled()
    store.continueRedirect()
    expect(redirect).toHaveBeenCalledWith(ACS)
  })

  it('shows the error screen for a redirect URL that is not http(s)', async () => {
    const redirect = vi.fn(() => true)
    const bad = aPaymentState({ status: 'awaiting redirect result', redirect_data: { method: 'GET', url: 'javascript:alert(1)', body: {} } })
    const { store } = await loadedStore({ pay: [bad] }, { redirect })
    store.rendered()
    await store.pay({ method: 'jeton' })
    expect(store.getState().view).toEqual({ kind: 'error', reason: 'unknown' })
    expect(redirect).not.toHaveBeenCalled()
  })

  it('polls an awaiting payment without redirect_data like processing', async () => {
    const { store } = await loadedStore({
      session: aSession({ state: aPaymentState({ status: 'awaiting redirect result' }) }),
      status: [aPaymentState({ status: 'awaiting redirect result' }), aPaymentState({ status: 'success' })],
    })
    expect(await settled(store)).toEqual({ kind: 'success' })
  })

  it.each([
    ['success', aPaymentState({ status: 'success', return_url: 'https://shop.example/ok', return_mode: 'parent_page' })],
    ['a final decline', declinedState(0, { return_url: 'https://shop.example/fail', return_mode: 'parent_page' })],
  ])('sends the top window to return_url after %s in parent_page mode', async (_name, result) => {
    const navigateTop = vi.fn(() => true)
    const { store } = await loadedStore({ pay: [result] }, { navigateTop })
    store.rendered()
    await store.pay(CARD)
    expect(navigateTop).toHaveBeenCalledWith(result.return_url)
  })

  it.each([
    ['a decline with attempts left', declinedState(2, { return_url: 'https://shop.example/fail', return_mode: 'parent_page' })],
    ['no parent_page mode', aPaymentState({ status: 'success', return_url: 'https://shop.example/ok' })],
    ['a javascript: return_url', aPaymentState({ status: 'success', return_url: 'javascript:alert(1)', return_mode: 'parent_page' })],
  ])('leaves the top window alone after %s', async (_name, result) => {
    const navigateTop = vi.fn(() => true)
    const { store } = await loadedStore({ pay: [result] }, { navigateTop })
    store.rendered()
    await store.pay(CARD)
    expect(navigateTop).not.toHaveBeenCalled()
  })

  it('shows a result reached through Back without leaving for return_url', async () => {
    const navigateTop = vi.fn(() => true)
    const success = aPaymentState({ status: 'success', return_url: 'https://shop.example/ok', return_mode: 'parent_page' })
    const { store } = await loadedStore({ session: aSession({ state: success }) }, { navigateTop, autoNavigate: false })
    store.rendered()
    expect(store.getState().view).toEqual({ kind: 'success' })
    expect(navigateTop).not.toHaveBeenCalled()
  })

  it('re-reads the status after a bfcache restore and never navigates', async () => {
    const redirect = vi.fn(() => true)
    const { store } = await loadedStore({ pay: [awaiting3ds], status: [awaiting3ds] }, { redirect })
    store.rendered()
    await store.pay(CARD)
    expect(redirect).toHaveBeenCalledTimes(1)
    await store.refresh()
    expect(store.getState().view).toEqual({ kind: 'redirecting', auto: false })
    expect(redirect).toHaveBeenCalledTimes(1)
  })
})

describe('createCheckoutStore saved cards', () => {
  const visa = aSavedCard()
  const mastercard = aSavedCard({ token: 'tok_mc', mask: '555555******4444', brand: 'mastercard' })

  it('deletes a card and keeps the list the server answers', async () => {
    const { store, api } = await loadedStore({ session: aSession({ saved_cards: [visa, mastercard] }), deleteSavedCard: [[mastercard]] })
    await store.deleteSavedCard('tok_visa')
    expect(api.deleteSavedCard).toHaveBeenCalledWith('tok_visa')
    expect(store.getState().session?.saved_cards).toEqual([mastercard])
    expect(store.getState().cardNotice).toEqual({ kind: 'deleted', card: '424242******4242' })
    expect(store.getState().deleting).toBeNull()
  })

  it('keeps the card and says so when the deletion fails', async () => {
    const { store } = await loadedStore({
      session: aSession({ saved_cards: [visa] }),
      deleteSavedCard: [new ApiError('internal_error', 500, 'boom')],
    })
    await store.deleteSavedCard('tok_visa')
    expect(store.getState().session?.saved_cards).toEqual([visa])
    expect(store.getState().cardNotice).toEqual({ kind: 'delete_failed', card: '424242******4242' })
    expect(store.getState().view).toEqual({ kind: 'form' })
  })

  it('shows expired when the session ran out before the deletion', async () => {
    const { store } = await loadedStore({
      session: aSession({ saved_cards: [visa] }),
      deleteSavedCard: [new ApiError('session_expired', 401, 'expired')],
    })
    await store.deleteSavedCard('tok_visa')
    expect(store.getState().view).toEqual({ kind: 'expired' })
  })

  it('ignores a token that is not in the list', async () => {
    const { store, api } = await loadedStore({ session: aSession({ saved_cards: [visa] }) })
    await store.deleteSavedCard('tok_other')
    expect(api.deleteSavedCard).not.toHaveBeenCalled()
  })
})

function declinedState(attemptsLeft: number, extra: Partial<PaymentState> = {}): PaymentState {
  return aPaymentState({ status: 'decline', attempts_left: attemptsLeft, last_attempt: { status: 'decline', code: '20102', message: 'Card declined' }, ...extra })
}
