import type { Ref } from 'preact'

export type PayButtonProps = { label: string; busyLabel: string; busy: boolean; buttonRef?: Ref<HTMLButtonElement> }

/** A form's one submit button; disabled while a pay call runs, so a double click pays once. */
export function PayButton({ label, busyLabel, busy, buttonRef }: PayButtonProps) {
  return (
    <button ref={buttonRef} type="submit" class="button button--primary" disabled={busy} aria-busy={busy ? 'true' : undefined}>
      {busy ? busyLabel : label}
    </button>
  )
}
