import { fireEvent, screen, waitFor, within } from '@testing-library/preact'
import { describe, expect, it } from 'vitest'
import { ApiError } from '../../../hosted-page/src/api/client.ts'
import { aPaymentState, aSavedCard, aSession, aStore, fakeApi } from '../fixtures.ts'
import { fillCard, input, renderPage, submitButton, waitForState } from '../page.tsx'

const visa = aSavedCard()
const amex = aSavedCard({ token: 'tok_amex', mask: '378282*****0005', brand: 'amex', exp_month: 3, exp_year: 2041 })
const expired = aSavedCard({ token: 'tok_old', mask: '555555******4444', brand: 'mastercard', exp_month: 1, exp_year: 2020 })
const radio = (name: string | RegExp) => screen.getByRole('radio', { name }) as HTMLInputElement

describe('CardPanel with saved cards', () => {
  it('lists saved cards with scheme, masked number and expiry, and picks the first usable one', async () => {
    await renderPage(aStore(fakeApi({ session: aSession({ saved_cards: [expired, visa, amex] }) }).api))
    await waitForState('form')
    const group = screen.getByRole('group', { name: 'Saved cards' })
    expect(within(group).getAllByRole('radio')).toHaveLength(4)
    expect(radio(/Visa 424242\*{6}4242/).checked).toBe(true)
    expect(radio(/Visa 424242\*{6}4242/).closest('label')!.textContent).toContain('Expires 12/40')
    expect(radio(/Mastercard 555555/).disabled).toBe(true)
    expect(radio(/Mastercard 555555/).closest('label')!.textContent).toContain('Expired')
    expect(group.querySelector('[data-brand="amex"]')).toBeTruthy()
    expect(radio('Use a new card').checked).toBe(false)
    expect(screen.getByRole('button', { name: 'Delete card 424242******4242' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Delete card 378282*****0005' })).toBeTruthy()
  })

  it('asks only for the CVC of the chosen card and pays with its token', async () => {
    const { api, payBodies } = fakeApi({ session: aSession({ saved_cards: [visa] }), pay: [aPaymentState({ status: 'success' })] })
    await renderPage(aStore(api))
    await waitForState('form')
    expect(document.querySelector('input[autocomplete="cc-number"]')).toBeNull()
    expect(document.querySelector('input[autocomplete="cc-exp"]')).toBeNull()
    expect(document.querySelector('input[autocomplete="cc-name"]')).toBeNull()
    const cvc = screen.getByLabelText('Security code') as HTMLInputElement
    expect(cvc).toBe(input('cc-csc'))
    expect(cvc.getAttribute('inputmode')).toBe('numeric')
    expect(cvc.maxLength).toBe(3)
    fireEvent.input(cvc, { target: { value: '7a31' } })
    expect(cvc.value).toBe('731')
    fireEvent.click(screen.getByRole('button', { name: 'Pay €10.00' }))
    await waitForState('success')
    expect(payBodies).toEqual([{ method: 'saved_card', token: 'tok_visa', cvc: '731' }])
  })

  it('wants four CVC digits for an Amex card and sends nothing with three', async () => {
    const { api } = fakeApi({ session: aSession({ saved_cards: [amex] }) })
    await renderPage(aStore(api))
    await waitForState('form')
    const cvc = input('cc-csc')
    expect(cvc.maxLength).toBe(4)
    fireEvent.input(cvc, { target: { value: '123' } })
    fireEvent.click(submitButton())
    await waitFor(() => expect(cvc.getAttribute('aria-invalid')).toBe('true'))
    expect(screen.getByText('The security code must be 4 digits.')).toBeTruthy()
    expect(api.pay).not.toHaveBeenCalled()
  })

  it('shows the full card form for "Use a new card"', async () => {
    const { api, payBodies } = fakeApi({ session: aSession({ saved_cards: [visa] }), pay: [aPaymentState({ status: 'success' })] })
    await renderPage(aStore(api))
    await waitForState('form')
    fireEvent.click(radio('Use a new card'))
    await waitFor(() => expect(input('cc-number')).toBeTruthy())
    fillCard()
    fireEvent.click(submitButton())
    await waitForState('success')
    expect(payBodies[0]).toMatchObject({ method: 'card', card: { pan: '4242424242424242' } })
  })

  it('deletes a card through the API, updates the list and announces it', async () => {
    const { api } = fakeApi({ session: aSession({ saved_cards: [visa, amex] }), deleteSavedCard: [[amex]] })
    await renderPage(aStore(api))
    await waitForState('form')
    const remove = screen.getByRole('button', { name: 'Delete card 424242******4242' })
    remove.focus()
    fireEvent.click(remove)
    confirmDelete('4242')
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Delete card 424242******4242' })).toBeNull())
    expect(api.deleteSavedCard).toHaveBeenCalledWith('tok_visa')
    expect(screen.getByRole('status').textContent).toBe('Card 424242******4242 deleted.')
    // The choice falls to the remaining card, and focus goes back to it.
    expect(radio(/American Express 378282/).checked).toBe(true)
    await waitFor(() => expect(document.activeElement).toBe(radio(/American Express 378282/)))
  })

  it('falls back to the new card form when the last card is deleted', async () => {
    const { api } = fakeApi({ session: aSession({ saved_cards: [visa] }), deleteSavedCard: [[]] })
    await renderPage(aStore(api))
    await waitForState('form')
    fireEvent.click(screen.getByRole('button', { name: 'Delete card 424242******4242' }))
    confirmDelete('4242')
    await waitFor(() => expect(screen.queryByRole('group', { name: 'Saved cards' })).toBeNull())
    expect(input('cc-number')).toBeTruthy()
    expect(screen.getByRole('status').textContent).toBe('Card 424242******4242 deleted.')
  })

  it('keeps the card when the deletion fails and says so', async () => {
    const { api } = fakeApi({ session: aSession({ saved_cards: [visa] }), deleteSavedCard: [new ApiError('internal_error', 500, 'boom')] })
    await renderPage(aStore(api))
    await waitForState('form')
    fireEvent.click(screen.getByRole('button', { name: 'Delete card 424242******4242' }))
    confirmDelete('4242')
    expect(await screen.findByText('The card could not be deleted. Try again.')).toBeTruthy()
    expect(radio(/Visa 424242/)).toBeTruthy()
  })

  it('asks before deleting: Keep and Escape delete nothing and give focus back to Delete', async () => {
    const { api } = fakeApi({ session: aSession({ saved_cards: [visa, amex] }), deleteSavedCard: [[amex]] })
    await renderPage(aStore(api))
    await waitForState('form')
    const ask = () => screen.getByRole('button', { name: 'Delete card 424242******4242' })
    fireEvent.click(ask())
    const question = screen.getByRole('group', { name: 'Delete card •••• 4242?' })
    // Focus lands on Keep: pressing Enter twice by accident deletes nothing.
    await waitFor(() => expect(document.activeElement).toBe(within(question).getByRole('button', { name: 'Keep' })))
    fireEvent.click(within(question).getByRole('button', { name: 'Keep' }))
    await waitFor(() => expect(document.activeElement).toBe(ask()))
    fireEvent.click(ask())
    fireEvent.keyDown(screen.getByRole('button', { name: 'Keep' }), { key: 'Escape' })
    await waitFor(() => expect(document.activeElement).toBe(ask()))
    expect(api.deleteSavedCard).not.toHaveBeenCalled()
    expect(radio(/Visa 424242/)).toBeTruthy()
  })
})

/** Answers the Delete question for a card with Delete. */
function confirmDelete(last4: string) {
  const question = screen.getByRole('group', { name: `Delete card •••• ${last4}?` })
  fireEvent.click(within(question).getByRole('button', { name: 'Delete' }))
}
