import { fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PaymentState } from '../../../protocol/schemas/page-api.ts'
import { PARENT_ORIGIN, aFramedWindow, aPaymentState, aSession, aStore, fakeApi } from '../fixtures.ts'
import { fillCard, input, renderPage, stateOf, submitButton, waitForState } from '../page.tsx'

const JETON_REDIRECT: PaymentState = aPaymentState({
  status: 'awaiting redirect result',
  redirect_data: { method: 'GET', url: 'http://localhost:3000/sim/wallets/jeton?ref=w1', body: { payment: 'pay_1', lang: 'en' } },
})

describe('PaymentOptions', () => {
  let submitted: HTMLFormElement[]
  beforeEach(() => {
    submitted = []
    vi.spyOn(HTMLFormElement.prototype, 'submit').mockImplementation(function (this: HTMLFormElement) {
      submitted.push(this)
    })
  })
  afterEach(() => {
    vi.restoreAllMocks()
    for (const form of document.querySelectorAll('body > form')) form.remove()
  })

  it('offers no method choice when the card is the only method', async () => {
    await renderPage(aStore(fakeApi().api))
    await waitForState('form')
    expect(screen.queryByRole('radiogroup')).toBeNull()
    expect(screen.getByRole('heading', { level: 1, name: 'Pay by card' })).toBeTruthy()
  })

  it('lets the shopper choose between card and Jeton Wallet with radios', async () => {
    await renderPage(aStore(fakeApi({ session: aSession({ methods: ['card', 'jeton'] }) }).api))
    await waitForState('form')
    const group = screen.getByRole('radiogroup', { name: 'Choose how to pay' })
    const card = within(group).getByRole('radio', { name: 'Card' }) as HTMLInputElement
    const jeton = within(group).getByRole('radio', { name: 'Jeton Wallet' }) as HTMLInputElement
    expect(card.checked).toBe(true)
    expect(input('cc-number')).toBeTruthy()

    fireEvent.click(jeton)
    await waitFor(() => expect(jeton.checked).toBe(true))
    expect(document.querySelector('input[autocomplete="cc-number"]')).toBeNull()
    expect(screen.getByRole('button', { name: 'Pay with Jeton Wallet' })).toBe(submitButton())
    expect(document.activeElement).not.toBe(submitButton())

    fireEvent.click(card)
    await waitFor(() => expect(input('cc-number')).toBeTruthy())
  })

  it('pays with Jeton Wallet and submits the redirect form with the method, action and fields', async () => {
    const win = aFramedWindow()
    const { api, payBodies } = fakeApi({
      session: aSession({ methods: ['jeton'], parent_origin: PARENT_ORIGIN, guid: 'g-9' }),
      pay: [JETON_REDIRECT],
    })
    await renderPage(aStore(api, { win, framed: true }))
    await waitForState('form')
    expect(screen.getByRole('heading', { level: 1, name: 'Pay with Jeton Wallet' })).toBeTruthy()
    expect(screen.queryByRole('radiogroup')).toBeNull()

    fireEvent.click(screen.getByRole('button', { name: 'Pay with Jeton Wallet' }))
    await waitForState('redirecting')
    expect(payBodies).toEqual([{ method: 'jeton' }])
    await waitFor(() => expect(submitted).toHaveLength(1))

    const form = submitted[0]!
    expect(form.method).toBe('get')
    // A GET form drops the action's query: the URL's own parameters travel as fields.
    expect(form.action).toBe('http://localhost:3000/sim/wallets/jeton')
    expect(form.target).toBe('_self')
    const fields = Object.fromEntries([...form.querySelectorAll('input')].map((i) => [i.name, [i.type, i.value]]))
    expect(fields).toEqual({ ref: ['hidden', 'w1'], payment: ['hidden', 'pay_1'], lang: ['hidden', 'en'] })

    expect(screen.getByRole('heading', { name: 'Continue the payment' })).toBeTruthy()
    // The frame goes to the wallet itself: `epframe.redirect` would make the widget send the
    // merchant's whole page there.
    const names = win.postMessage.mock.calls.map(([m]) => (m as { message: string }).message)
    expect(names).toEqual(['epframe.loaded', 'epframe.payment.sent'])
  })

  it('posts the 3-D Secure form to the ACS after a card payment', async () => {
    const acs = aPaymentState({
      status: 'awaiting 3ds result',
      redirect_data: { method: 'POST', url: '/sim/acs', body: { PaReq: 'req-1', MD: 'md-1', TermUrl: 'http://localhost:3000/sim/acs/return' } },
    })
    const { api } = fakeApi({ pay: [acs] })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard({ number: '4000 0000 0000 3220' })
    fireEvent.click(submitButton())
    await waitForState('redirecting')
    expect(screen.getByRole('heading', { name: 'Confirm the payment with your bank' })).toBeTruthy()
    await waitFor(() => expect(submitted).toHaveLength(1))
    const form = submitted[0]!
    expect(form.method).toBe('post')
    expect(form.action).toBe(new URL('/sim/acs', location.href).href)
    expect(new FormData(form).get('PaReq')).toBe('req-1')
    expect(new FormData(form).get('TermUrl')).toBe('http://localhost:3000/sim/acs/return')
  })

  it('shows Continue instead of leaving by itself when the shopper came back with Back', async () => {
    const { api } = fakeApi({ session: aSession({ state: JETON_REDIRECT }) })
    await renderPage(aStore(api, { autoNavigate: false }))
    await waitForState('redirecting')
    expect(submitted).toHaveLength(0)
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }))
    expect(submitted).toHaveLength(1)
  })

  it.each([
    ['never', undefined],
    ['offer', 'unticked'],
    ['offer', 'ticked'],
    ['always', undefined],
  ] as const)('sends save_card as the session (%s) and the checkbox (%s) say', async (saveCard, box) => {
    const { api, payBodies } = fakeApi({ session: aSession({ save_card: saveCard }), pay: [aPaymentState({ status: 'success' })] })
    await renderPage(aStore(api))
    await waitForState('form')
    const checkbox = screen.queryByRole('checkbox', { name: 'Save this card for future payments' }) as HTMLInputElement | null
    expect(checkbox !== null).toBe(saveCard === 'offer')
    expect(screen.queryByText('This card will be saved for future payments.') !== null).toBe(saveCard === 'always')
    if (checkbox) expect(checkbox.checked).toBe(false)
    if (checkbox && box === 'ticked') fireEvent.click(checkbox)
    fillCard()
    fireEvent.click(submitButton())
    await waitForState('success')
    const expectSave = saveCard === 'always' || box === 'ticked'
    expect(payBodies[0]).toEqual({
      method: 'card',
      card: { pan: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123', holder: 'Jane Doe' },
      ...(expectSave ? { save_card: true } : {}),
    })
  })

  it('keeps the chosen method after a decline and Try again', async () => {
    const declined = aPaymentState({ status: 'decline', attempts_left: 2, last_attempt: { status: 'decline', message: 'Declined' } })
    const { api } = fakeApi({ session: aSession({ methods: ['card', 'jeton'] }), pay: [declined] })
    await renderPage(aStore(api))
    await waitForState('form')
    fireEvent.click(screen.getByRole('radio', { name: 'Jeton Wallet' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Pay with Jeton Wallet' }))
    await waitForState('decline')
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await waitForState('form')
    expect((screen.getByRole('radio', { name: 'Jeton Wallet' }) as HTMLInputElement).checked).toBe(true)
    expect(stateOf()).toBe('form')
  })
})
