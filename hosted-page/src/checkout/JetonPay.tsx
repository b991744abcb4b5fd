import { useEffect, useRef } from 'preact/hooks'
import type { JSX } from 'preact'
import type { Translate } from '../i18n/translate.ts'
import { FormAlert } from '../ui/FormAlert.tsx'
import { PayButton } from '../ui/PayButton.tsx'
import type { FormNotice } from './view-state.ts'

export type JetonPayProps = { t: Translate; amount: string; busy: boolean; notice?: FormNotice; focusOnMount: boolean; onPay: () => void }

/** Jeton Wallet: one button; the answer's `redirect_data` takes the shopper to the wallet. */
export function JetonPay({ t, amount, busy, notice, focusOnMount, onPay }: JetonPayProps) {
  const button = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (focusOnMount || notice) button.current?.focus()
  }, [notice])

  function onSubmit(e: JSX.TargetedEvent<HTMLFormElement>) {
    e.preventDefault()
    if (!busy) onPay()
  }

  return (
    <form class="wallet-form" onSubmit={onSubmit} aria-labelledby="form-title">
      <FormAlert t={t} notice={notice} invalid={false} />
      <p>{t('jeton_text', { amount })}</p>
      <PayButton buttonRef={button} busy={busy} label={t('pay_jeton')} busyLabel={t('paying')} />
    </form>
  )
}
