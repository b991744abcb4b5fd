import { useEffect, useRef, useState } from 'preact/hooks'
import type { JSX } from 'preact'
import type { PayBody, SavedCard } from '../../../protocol/schemas/page-api.ts'
import { brandFromName, cvcLength, detectBrand } from '../card/card-brand.ts'
import { digitsOnly } from '../card/format.ts'
import { cvcError } from '../card/validate-card.ts'
import type { Translate } from '../i18n/translate.ts'
import { Field } from '../ui/Field.tsx'
import { FormAlert } from '../ui/FormAlert.tsx'
import { PayButton } from '../ui/PayButton.tsx'
import type { FormNotice } from './view-state.ts'

export type SavedCardPayBody = Extract<PayBody, { method: 'saved_card' }>

export type SavedCardFormProps = {
  t: Translate
  card: SavedCard
  payLabel: string
  busy: boolean
  notice?: FormNotice
  focusOnMount: boolean
  onPay: (body: SavedCardPayBody) => void
}

/** Paying with a saved card asks only for its security code, which is never stored. */
export function SavedCardForm({ t, card, payLabel, busy, notice, focusOnMount, onPay }: SavedCardFormProps) {
  const [cvc, setCvc] = useState('')
  const [error, setError] = useState<'cvc_required' | 'cvc_invalid' | undefined>()
  const [summary, setSummary] = useState(false)
  const input = useRef<HTMLInputElement>(null)
  // The scheme named by the server, else the one its BIN (the mask's first digits) shows.
  const length = cvcLength(brandFromName(card.brand) ?? detectBrand(digitsOnly(card.mask.slice(0, 6))))

  useEffect(() => {
    if (focusOnMount) input.current?.focus()
  }, [])

  useEffect(() => {
    if (!notice) return
    if (notice.param === 'cvc') setError('cvc_invalid')
    input.current?.focus()
  }, [notice])

  function onSubmit(e: JSX.TargetedEvent<HTMLFormElement>) {
    e.preventDefault()
    if (busy) return
    const problem = cvcError(cvc, length)
    // The API client checks the whole body against PayBodySchema before it is sent.
    if (!problem) {
      setSummary(false)
      onPay({ method: 'saved_card', token: card.token, cvc: cvc.trim() })
      return
    }
    setError(problem)
    setSummary(true)
    input.current?.focus()
  }

  return (
    <form class="card-form" noValidate onSubmit={onSubmit} aria-labelledby="form-title">
      <FormAlert t={t} notice={notice} invalid={summary && error !== undefined} />
      <Field
        id="saved-card-cvc"
        name="cvc"
        label={t('cvc')}
        hint={t('cvc_hint', { n: length })}
        error={error ? t(error, { n: length }) : undefined}
        inputRef={input}
        type="text"
        inputMode="numeric"
        autoComplete="cc-csc"
        maxLength={length}
        value={cvc}
        onInput={(e) => {
          const value = digitsOnly(e.currentTarget.value).slice(0, length)
          e.currentTarget.value = value
          setCvc(value)
          if (error && !cvcError(value, length)) setError(undefined)
        }}
        onBlur={() => {
          const problem = cvcError(cvc, length)
          if (problem !== 'cvc_required' || error) setError(problem)
        }}
      />
      <PayButton busy={busy} label={payLabel} busyLabel={t('paying')} />
    </form>
  )
}
