import type { ComponentChildren, JSX, Ref } from 'preact'

type InputProps = Omit<JSX.InputHTMLAttributes<HTMLInputElement>, 'id' | 'ref'>

export type FieldProps = InputProps & {
  id: string
  label: string
  /** Shown under the input; read with it by screen readers. */
  hint?: string
  error?: string
  inputRef?: Ref<HTMLInputElement>
  /** Decoration inside the input's right edge (the card scheme mark); hidden from assistive tech. */
  adornment?: ComponentChildren
}

/**
 * A labelled input with its hint and error. The error paragraph is always present and
 * polite-live, so an error set on blur is announced even though focus has moved on.
 */
export function Field({ id, label, hint, error, inputRef, adornment, ...input }: FieldProps) {
  const hintId = `${id}-hint`
  const errorId = `${id}-error`
  return (
    <div class={error ? 'field field--invalid' : 'field'}>
      <label for={id}>{label}</label>
      <div class={adornment ? 'field__control field__control--adorned' : 'field__control'}>
        <input
          {...input}
          id={id}
          ref={inputRef}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={hint ? `${hintId} ${errorId}` : errorId}
        />
        {adornment ? <span class="field__adornment" aria-hidden="true">{adornment}</span> : null}
      </div>
      {hint ? <p id={hintId} class="field__hint">{hint}</p> : null}
      <p id={errorId} class="field__error" aria-live="polite">
        {error ?? ''}
      </p>
    </div>
  )
}
