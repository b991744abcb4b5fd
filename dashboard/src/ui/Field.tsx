import type { ComponentChildren } from 'preact'
import { useId } from 'preact/hooks'

type Props = {
  label: string
  hint?: string
  error?: string | undefined
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ComponentChildren
}

/** A labelled form field with its hint and error tied to the control for screen readers. */
export function Field({ label, hint, error, children }: Props) {
  const id = useId()
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, describedBy, invalid: Boolean(error) })}
      {hint && <p class="hint" id={hintId}>{hint}</p>}
      {error && <p class="field-error" id={errorId}>{error}</p>}
    </div>
  )
}
