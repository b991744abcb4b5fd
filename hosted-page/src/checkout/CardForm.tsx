import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks'
import type { JSX } from 'preact'
import type { SessionView } from '../../../protocol/schemas/page-api.ts'
import { brandLabel, cvcLength, detectBrand } from '../card/card-brand.ts'
import { caretAfterFormat, digitsOnly, formatCardNumber, formatExpiry } from '../card/format.ts'
import {
  CARD_FIELDS,
  fieldForParam,
  serverFieldError,
  validateCard,
  validateField,
  type CardField,
  type CardFieldError,
  type CardFieldErrors,
  type CardInput,
  type CardPayBody,
} from '../card/validate-card.ts'
import type { Translate } from '../i18n/translate.ts'
import { registerExternalForm } from '../parent/external-form.ts'
import { LazyBrandIcon } from '../ui/LazyBrandIcon.tsx'
import { Field } from '../ui/Field.tsx'
import { FormAlert } from '../ui/FormAlert.tsx'
import { PayButton } from '../ui/PayButton.tsx'
import type { FormNotice } from './view-state.ts'


export type CardFormProps = {
  t: Translate
  payLabel: string
  busy: boolean
  notice?: FormNotice
  focusOnMount: boolean
  /** `offer`: a "save this card" checkbox; `always`: a note that it will be saved. */
  saveCard: SessionView['save_card']
  /** The name typed for the previous attempt: Try again keeps it (never the number or CVC). */
  initialHolder?: string
  onPay: (body: CardPayBody) => void
}

const EMPTY: CardInput = { number: '', expiry: '', cvc: '', holder: '' }

/** Reformats an input in place and keeps the caret after the same digit. */
function reformat(el: HTMLInputElement, format: (raw: string) => string): string {
  const raw = el.value
  const caret = el.selectionStart ?? raw.length
  const formatted = format(raw)
  if (formatted !== raw) {
    el.value = formatted
    if (el.ownerDocument.activeElement === el) {
      const at = caretAfterFormat(raw, caret, formatted)
      el.setSelectionRange(at, at)
    }
  }
  return formatted
}

/**
 * The card form. Card data stays in this component's state until submit hands it to the
 * store for the one POST; it is never logged, stored or posted to the parent page.
 */
export function CardForm({ t, payLabel, busy, notice, focusOnMount, saveCard, initialHolder, onPay }: CardFormProps) {
  const [input, setInput] = useState<CardInput>(() => ({ ...EMPTY, holder: initialHolder ?? '' }))
  const [save, setSave] = useState(false)
  const [errors, setErrors] = useState<CardFieldErrors>({})
  const [summary, setSummary] = useState(false)
  const refs: Record<CardField, { current: HTMLInputElement | null }> = {
    number: useRef(null), expiry: useRef(null), cvc: useRef(null), holder: useRef(null),
  }
  const submit = useRef<HTMLButtonElement>(null)
  const form = useRef<HTMLFormElement>(null)
  const brand = detectBrand(digitsOnly(input.number))
  const cvcDigits = cvcLength(brand)

  useEffect(() => {
    if (focusOnMount) refs.number.current?.focus()
  }, [])

  // Back from a pay call: mark a field the server refused like a local error, and put focus
  // somewhere useful again (the hidden submit button had it).
  useEffect(() => {
    // After a decline the number field has the focus (focusOnMount): the shopper retypes it.
    if (!notice || notice.reason === 'declined') return
    const field = fieldForParam(notice.param)
    if (field) setErrors((prev) => ({ ...prev, [field]: serverFieldError(field) }))
    ;(field ? refs[field] : submit).current?.focus()
  }, [notice])

  const message = (error: CardFieldError | undefined) =>
    error ? t(error, { n: cvcDigits }) : undefined

  function update(field: CardField, value: string) {
    const next = { ...input, [field]: value }
    setInput(next)
    // While typing, an error only goes away; new ones wait for blur or submit.
    if (errors[field] && !validateField(field, next, new Date())) {
      setErrors((prev) => ({ ...prev, [field]: undefined }))
    }
  }

  const onBlur = (field: CardField) => () => {
    const error = validateField(field, input, new Date())
    // An untouched empty field is not an error yet: tabbing through must not shout.
    if (error?.endsWith('_required') && !errors[field]) return
    setErrors((prev) => ({ ...prev, [field]: error }))
  }

  const onInput = (field: CardField, format?: (raw: string) => string) =>
    (e: JSX.TargetedEvent<HTMLInputElement>) => {
      const el = e.currentTarget
      update(field, format ? reformat(el, format) : el.value)
    }

  function onSubmit(e: JSX.TargetedEvent<HTMLFormElement>) {
    e.preventDefault()
    if (busy) return
    const result = validateCard(input, new Date())
    if (result.ok) {
      setSummary(false)
      const wantsSave = saveCard === 'always' || (saveCard === 'offer' && save)
      onPay({ method: 'card', card: result.card, ...(wantsSave ? { save_card: true } : {}) })
      return
    }
    setErrors(result.errors)
    setSummary(true)
    const first = CARD_FIELDS.find((f) => result.errors[f])
    if (first) refs[first].current?.focus()
  }

  // ECommPay's embedded mode: the merchant's own button validates and submits this form
  // through the widget. Re-registered on each render, so it always sees the current input.
  useLayoutEffect(() =>
    registerExternalForm({
      validate() {
        const result = validateCard(input, new Date())
        if (result.ok) return {}
        setErrors(result.errors)
        setSummary(true)
        const out: Record<string, string> = {}
        for (const field of CARD_FIELDS) if (result.errors[field]) out[field] = message(result.errors[field])!
        return out
      },
      submit: () => form.current?.requestSubmit(),
    }),
  )

  const hasErrors = CARD_FIELDS.some((f) => errors[f])

  return (
    <form ref={form} class="card-form" noValidate onSubmit={onSubmit} aria-labelledby="form-title">
      <FormAlert t={t} notice={notice} invalid={summary && hasErrors} />
      <Field
        id="card-number"
        name="cardnumber"
        label={t('card_number')}
        hint={brand ? t('card_brand', { brand: brandLabel(brand, t) }) : undefined}
        adornment={brand ? <LazyBrandIcon brand={brand} /> : null}
        error={message(errors.number)}
        inputRef={refs.number}
        type="text"
        inputMode="numeric"
        autoComplete="cc-number"
        autoCorrect="off"
        spellcheck={false}
        maxLength={24}
        placeholder="1234 1234 1234 1234"
        value={input.number}
        onInput={onInput('number', formatCardNumber)}
        onBlur={onBlur('number')}
      />
      <div class="field-row">
        <Field
          id="card-expiry"
          name="cc-exp"
          label={t('expiry')}
          error={message(errors.expiry)}
          inputRef={refs.expiry}
          type="text"
          inputMode="numeric"
          autoComplete="cc-exp"
          maxLength={7}
          placeholder={t('expiry_placeholder')}
          value={input.expiry}
          onInput={onInput('expiry', formatExpiry)}
          onBlur={onBlur('expiry')}
        />
        <Field
          id="card-cvc"
          name="cvc"
          label={t('cvc')}
          hint={t('cvc_hint', { n: cvcDigits })}
          error={message(errors.cvc)}
          inputRef={refs.cvc}
          type="text"
          inputMode="numeric"
          autoComplete="cc-csc"
          maxLength={cvcDigits}
          value={input.cvc}
          onInput={onInput('cvc', (raw) => digitsOnly(raw).slice(0, cvcDigits))}
          onBlur={onBlur('cvc')}
        />
      </div>
      <Field
        id="card-holder"
        name="ccname"
        label={t('holder')}
        error={message(errors.holder)}
        inputRef={refs.holder}
        type="text"
        autoComplete="cc-name"
        autoCapitalize="characters"
        spellcheck={false}
        maxLength={100}
        value={input.holder}
        onInput={onInput('holder')}
        onBlur={onBlur('holder')}
      />
      {saveCard === 'offer' ? (
        <div class="check">
          <input id="save-card" type="checkbox" checked={save} onChange={(e) => setSave(e.currentTarget.checked)} />
          <label for="save-card">{t('save_card_offer')}</label>
        </div>
      ) : null}
      {saveCard === 'always' ? <p class="note-text">{t('save_card_always')}</p> : null}
      <PayButton buttonRef={submit} busy={busy} label={payLabel} busyLabel={t('paying')} />
    </form>
  )
}
