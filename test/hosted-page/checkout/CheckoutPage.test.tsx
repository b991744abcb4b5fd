import { fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import type { PaymentState } from '../../../protocol/schemas/page-api.ts'
import { ApiError, NetworkError } from '../../../hosted-page/src/api/client.ts'
import { PARENT_ORIGIN, aFramedWindow, aPaymentState, aSession, aStore, fakeApi } from '../fixtures.ts'
import { fillCard, input, renderPage, stateOf, submitButton, waitForState } from '../page.tsx'

const declined = (attemptsLeft: number): PaymentState =>
  aPaymentState({
    status: 'decline',
    attempts_left: attemptsLeft,
    last_attempt: { status: 'decline', code: '20102', message: 'Card declined', card: '400000******0002' },
  })

function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((r) => (resolve = r))
  return { promise, resolve }
}

describe('CheckoutPage', () => {
  it('renders the merchant, amount, description and a labelled card form', async () => {
    const { api } = fakeApi()
    await renderPage(aStore(api))
    await waitForState('form')
    expect(screen.getByText('Demo Shop')).toBeTruthy()
    expect(screen.getByText('€10.00')).toBeTruthy()
    expect(screen.getByText('Order #1001')).toBeTruthy()
    expect(screen.getByLabelText('Card number')).toBe(input('cc-number'))
    expect(screen.getByLabelText('Expiry (MM/YY)')).toBe(input('cc-exp'))
    expect(screen.getByLabelText('Security code')).toBe(input('cc-csc'))
    expect(screen.getByLabelText('Name on card')).toBe(input('cc-name'))
    expect(input('cc-number').getAttribute('inputmode')).toBe('numeric')
    expect(input('cc-number').getAttribute('name')).toBe('cardnumber')
    expect(screen.getByRole('button', { name: 'Pay €10.00' })).toBe(submitButton())
    expect(screen.queryByText('Test payment')).toBeNull()
    expect(document.documentElement.lang).toBe('en')
  })

  it('shows the test badge and the test card hint in test mode', async () => {
    const { api } = fakeApi({ session: aSession({ test_mode: true }) })
    await renderPage(aStore(api))
    await waitForState('form')
    expect(screen.getByText('Test payment')).toBeTruthy()
    expect(screen.getByText(/4242 4242 4242 4242, any future date, any CVC/)).toBeTruthy()
  })

  it('renders merchant strings as text, not markup', async () => {
    const { api } = fakeApi({ session: aSession({ merchant: { name: '<img src=x onerror=alert(1)>' } }) })
    await renderPage(aStore(api))
    await waitForState('form')
    expect(screen.getByText('<img src=x onerror=alert(1)>')).toBeTruthy()
    expect(document.querySelector('img')).toBeNull()
  })

  it('renders Russian strings when the session language is ru', async () => {
    const { api } = fakeApi({ session: aSession({ language: 'ru' }) })
    await renderPage(aStore(api))
    await waitForState('form')
    expect(submitButton().textContent?.replace(/\s/g, ' ')).toBe('Оплатить 10,00 €')
    expect(screen.getByLabelText('Номер карты')).toBe(input('cc-number'))
    expect(screen.getByLabelText('Имя на карте')).toBe(input('cc-name'))
    expect(document.documentElement.lang).toBe('ru')
  })

  it('uses the browser language when the session has none', async () => {
    const { api } = fakeApi({ session: aSession({ language: undefined }) })
    await renderPage(aStore(api, { browserLanguages: ['ru-RU'] }))
    await waitForState('form')
    expect(screen.getByRole('heading', { name: 'Оплата картой' })).toBeTruthy()
  })

  it('formats the card number as typed and shows the brand', async () => {
    const { api } = fakeApi()
    await renderPage(aStore(api))
    await waitForState('form')
    fireEvent.input(input('cc-number'), { target: { value: '378282246310005' } })
    expect(input('cc-number').value).toBe('3782 822463 10005')
    expect(screen.getByText('Card type: American Express')).toBeTruthy()
    expect(screen.getByText('4 digits')).toBeTruthy()
  })

  it('shows an error for an invalid card number and sends nothing', async () => {
    const { api } = fakeApi()
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard({ number: '4242 4242 4242 4241' })
    fireEvent.click(submitButton())
    const number = input('cc-number')
    await waitFor(() => expect(number.getAttribute('aria-invalid')).toBe('true'))
    const described = number.getAttribute('aria-describedby')!.split(' ').map((id) => document.getElementById(id)?.textContent)
    expect(described).toContain('The card number is not valid.')
    expect(screen.getByRole('alert').textContent).toBe('Check the highlighted fields.')
    expect(document.activeElement).toBe(number)
    expect(api.pay).not.toHaveBeenCalled()
    expect(stateOf()).toBe('form')
  })

  it('shows a field error on blur, and not for an untouched empty field', async () => {
    const { api } = fakeApi()
    await renderPage(aStore(api))
    await waitForState('form')
    fireEvent.blur(input('cc-name'))
    expect(input('cc-name').getAttribute('aria-invalid')).toBeNull()
    fireEvent.input(input('cc-number'), { target: { value: '4242 4242' } })
    fireEvent.blur(input('cc-number'))
    expect(screen.getByText('The card number is incomplete.')).toBeTruthy()
    fireEvent.input(input('cc-exp'), { target: { value: '01/20' } })
    fireEvent.blur(input('cc-exp'))
    expect(screen.getByText('This card has expired.')).toBeTruthy()
  })

  it('pays, shows success and posts loaded, payment.sent and payment.success to the exact parent origin', async () => {
    const win = aFramedWindow()
    const { api, payBodies } = fakeApi({
      session: aSession({ parent_origin: PARENT_ORIGIN, guid: 'guid-7', state: aPaymentState({ return_url: 'https://shop.example/back' }) }),
      pay: [aPaymentState({ status: 'success', return_url: 'https://shop.example/back' })],
    })
    await renderPage(aStore(api, { win, framed: true }))
    await waitForState('form')
    fillCard()
    fireEvent.click(submitButton())
    await waitForState('success')

    expect(payBodies).toEqual([
      { method: 'card', card: { pan: '4242424242424242', exp_month: 12, exp_year: 2040, cvc: '123', holder: 'Jane Doe' } },
    ])
    expect(screen.getByRole('heading', { name: 'Payment successful' })).toBeTruthy()
    const back = screen.getByRole('link', { name: 'Return to shop' })
    expect(back.getAttribute('href')).toBe('https://shop.example/back')
    expect(back.getAttribute('target')).toBe('_top')
    expect(back.getAttribute('rel')).toBe('noopener')

    expect(win.postMessage.mock.calls).toEqual([
      [{ message: 'epframe.loaded', guid: 'guid-7', data: {} }, PARENT_ORIGIN],
      [{ message: 'epframe.payment.sent', guid: 'guid-7', data: { payment_id: 'order-1001', status: 'processing' } }, PARENT_ORIGIN],
      [{ message: 'epframe.payment.success', guid: 'guid-7', data: { payment_id: 'order-1001', status: 'success' } }, PARENT_ORIGIN],
    ])
    expect(JSON.stringify(win.postMessage.mock.calls)).not.toMatch(/4242|123|Jane/)
  })

  it('posts nothing to the parent when the session names no parent origin', async () => {
    const win = aFramedWindow()
    const { api } = fakeApi({ session: aSession({ guid: 'guid-7' }), pay: [aPaymentState({ status: 'success' })] })
    await renderPage(aStore(api, { win, framed: true }))
    await waitForState('form')
    fillCard()
    fireEvent.click(submitButton())
    await waitForState('success')
    expect(win.postMessage).not.toHaveBeenCalled()
  })

  it('shows a decline with attempts left, and Try again goes back to an empty form', async () => {
    const { api } = fakeApi({ pay: [declined(2)] })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard({ number: '4000 0000 0000 0002' })
    fireEvent.click(submitButton())
    await waitForState('decline')
    expect(screen.getByRole('heading', { name: 'Payment declined' })).toBeTruthy()
    expect(screen.getByText('The bank declined the card.')).toBeTruthy()
    expect(screen.queryByText('Card declined')).toBeNull()
    expect(screen.getByText('Attempts left: 2')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await waitForState('form')
    // The amount, the merchant, one line about the decline and the typed name stay; the card does not.
    expect(input('cc-number').value).toBe('')
    expect(input('cc-csc').value).toBe('')
    expect(input('cc-name').value).toBe('Jane Doe')
    expect(screen.getByText('Demo Shop')).toBeTruthy()
    expect(screen.getByText('€10.00')).toBeTruthy()
    expect(screen.getByRole('alert').textContent).toBe('Previous attempt declined: The bank declined the card.')
    await waitFor(() => expect(document.activeElement).toBe(input('cc-number')))
  })

  it('shows a final decline without a retry when no attempts are left', async () => {
    const { api } = fakeApi({ pay: [declined(0)] })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard({ number: '4000 0000 0000 0002' })
    fireEvent.click(submitButton())
    await waitForState('decline')
    expect(screen.getByText('No more attempts are available for this payment.')).toBeTruthy()
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull()
    // No return URL signed: the page still says what to do next.
    expect(screen.getByText('Close this page and return to the shop to choose another way to pay.')).toBeTruthy()
  })

  it('offers the way back to the shop on a final decline and on success when a return URL is signed', async () => {
    const returnUrl = 'https://shop.example/order/1001'
    const { api } = fakeApi({ pay: [{ ...declined(0), return_url: returnUrl }] })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard({ number: '4000 0000 0000 0002' })
    fireEvent.click(submitButton())
    await waitForState('decline')
    expect(screen.getByRole('link', { name: 'Return to shop' }).getAttribute('href')).toBe(returnUrl)
    expect(screen.queryByText(/Close this page/)).toBeNull()
  })

  it('retries a pay call that hit a network error and never shows a decline', async () => {
    const { api } = fakeApi({ pay: [new NetworkError('offline'), new NetworkError('offline'), aPaymentState({ status: 'success' })] })
    const store = aStore(api)
    const seen: string[] = []
    store.subscribe(() => seen.push(store.getState().view.kind))
    await renderPage(store)
    await waitForState('form')
    fillCard()
    fireEvent.click(submitButton())
    await waitForState('success')
    expect(api.pay).toHaveBeenCalledTimes(3)
    expect(seen).not.toContain('decline')
    expect(seen).not.toContain('error')
  })

  it('after the retries fail, shows processing with a connection note and polls until the result', async () => {
    const status = deferred<PaymentState>()
    const { api } = fakeApi({
      pay: [new NetworkError('offline')],
      status: [new NetworkError('offline'), () => status.promise],
    })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard()
    fireEvent.click(submitButton())
    await waitForState('processing')
    expect(await screen.findByText('Connection lost. Retrying…')).toBeTruthy()
    expect(api.pay).toHaveBeenCalledTimes(4)
    status.resolve(aPaymentState({ status: 'success' }))
    await waitForState('success')
    expect(api.pay).toHaveBeenCalledTimes(4)
  })

  it('sends one pay request when the form is submitted twice before a re-render', async () => {
    const pay = deferred<PaymentState>()
    const { api } = fakeApi({ pay: [() => pay.promise] })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard()
    const form = submitButton().form!
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))
    form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }))
    await waitForState('processing')
    expect(submitButton().disabled).toBe(true)
    fireEvent.click(submitButton())
    pay.resolve(aPaymentState({ status: 'success' }))
    await waitForState('success')
    expect(api.pay).toHaveBeenCalledTimes(1)
  })

  it('marks the field the server refused and keeps what was typed', async () => {
    const { api } = fakeApi({ pay: [new ApiError('validation_failed', 400, 'bad cvc', 'card.cvc')] })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard()
    fireEvent.click(submitButton())
    await waitFor(() => expect(input('cc-csc').getAttribute('aria-invalid')).toBe('true'))
    expect(stateOf()).toBe('form')
    expect(input('cc-number').value).toBe('4242 4242 4242 4242')
    expect(screen.getByRole('alert').textContent).toBe('Some card details were refused. Check them and try again.')
  })

  it('shows the rate limit on the form', async () => {
    const { api } = fakeApi({ pay: [new ApiError('rate_limited', 429, 'slow down')] })
    await renderPage(aStore(api))
    await waitForState('form')
    fillCard()
    fireEvent.click(submitButton())
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Too many attempts. Wait a minute and try again.'))
  })

  it('shows the expired screen', async () => {
    const { api } = fakeApi({ session: aSession({ state: aPaymentState({ status: 'expired', return_url: 'https://shop.example/' }) }) })
    await renderPage(aStore(api))
    await waitForState('expired')
    expect(screen.getByRole('heading', { name: 'Payment link expired' })).toBeTruthy()
    expect(screen.getByRole('link', { name: 'Return to shop' }).getAttribute('target')).toBeNull()
  })

  it('shows the error screen without a token', async () => {
    await renderPage(aStore(null))
    await waitForState('error')
    expect(screen.getByText('This payment link is not valid. Return to the shop to start again.')).toBeTruthy()
  })

  it('offers a reload when the session could not be fetched', async () => {
    const { api } = fakeApi()
    api.getSession.mockRejectedValueOnce(new NetworkError('offline'))
      .mockRejectedValueOnce(new NetworkError('offline'))
      .mockRejectedValueOnce(new NetworkError('offline'))
      .mockRejectedValueOnce(new NetworkError('offline'))
    await renderPage(aStore(api))
    await waitForState('error')
    const main = screen.getByRole('main')
    fireEvent.click(within(main).getByRole('button', { name: 'Try again' }))
    await waitForState('form')
  })

  it('shows processing for a payment in flight and polls to the result', async () => {
    const { api } = fakeApi({
      session: aSession({ state: aPaymentState({ status: 'awaiting 3ds result' }) }),
      status: [aPaymentState({ status: 'processing' }), aPaymentState({ status: 'success' })],
    })
    await renderPage(aStore(api))
    expect(stateOf()).toBe('processing')
    expect(screen.getByRole('heading', { name: 'Processing your payment' })).toBeTruthy()
    await waitForState('success')
  })
})
