import { createContext } from 'preact'
import { useContext, useLayoutEffect, useState } from 'preact/hooks'
import type { CheckoutState, CheckoutStore } from './store.ts'

export const CheckoutContext = createContext<CheckoutStore | null>(null)

/** The store's current state and actions; re-renders on every change. */
export function useCheckout(): [CheckoutState, CheckoutStore] {
  const store = useContext(CheckoutContext)
  if (!store) throw new Error('useCheckout needs a CheckoutContext provider')
  const [state, setState] = useState(store.getState())
  useLayoutEffect(() => {
    setState(store.getState())
    return store.subscribe(() => setState(store.getState()))
  }, [store])
  return [state, store]
}
