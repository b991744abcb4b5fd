import { fireEvent, render, screen, waitFor } from '@testing-library/preact'
import { expect } from 'vitest'
import { preloadSavedCards } from '../../hosted-page/src/checkout/CardPanel.tsx'
import { CheckoutPage } from '../../hosted-page/src/checkout/CheckoutPage.tsx'
import { preloadResults } from '../../hosted-page/src/checkout/StatusView.tsx'
import type { CheckoutStore } from '../../hosted-page/src/checkout/store.ts'
import { CheckoutContext } from '../../hosted-page/src/checkout/use-checkout.ts'
import { loadTheme } from '../../hosted-page/src/theme/load-theme.ts'
import { preloadBrandIcons } from '../../hosted-page/src/ui/LazyBrandIcon.tsx'
import { VALID_CARD } from './fixtures.ts'

// The lazy chunks are in before any test, as main.tsx has them by the time they show (saved
// cards and a theme at boot, the rest after the first screen); fetched on import, so their first
// transform does not count against a test's time.
await Promise.all([preloadSavedCards(), preloadResults(), preloadBrandIcons(), loadTheme()])

/** Renders the whole page on a store and loads it. */
export async function renderPage(store: CheckoutStore) {
  render(
    <CheckoutContext.Provider value={store}>
      <CheckoutPage />
    </CheckoutContext.Provider>,
  )
  await store.load()
}

export const stateOf = () => screen.getByRole('main').getAttribute('data-state')
export const waitForState = (state: string) => waitFor(() => expect(stateOf()).toBe(state))
export const input = (autocomplete: string) => document.querySelector<HTMLInputElement>(`input[autocomplete="${autocomplete}"]`)!
export const submitButton = () => document.querySelector<HTMLButtonElement>('button[type="submit"]')!

export function fillCard(card: Partial<typeof VALID_CARD> = {}) {
  const values = { ...VALID_CARD, ...card }
  fireEvent.input(input('cc-number'), { target: { value: values.number } })
  fireEvent.input(input('cc-exp'), { target: { value: values.expiry } })
  fireEvent.input(input('cc-csc'), { target: { value: values.cvc } })
  fireEvent.input(input('cc-name'), { target: { value: values.holder } })
}
