import type { ComponentChildren } from 'preact'
import { t } from '../i18n/i18n.ts'

/** A designed loading state (announced politely, not a blank screen). */
export function Loading({ label }: { label?: string }) {
  return (
    <div class="state" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      <span>{label ?? t('loading')}</span>
    </div>
  )
}

/** A designed error state with a way forward. */
export function ErrorState({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div class="state state-error" role="alert">
      <p>{message}</p>
      {onRetry && <button type="button" class="btn" onClick={onRetry}>{t('retry')}</button>}
    </div>
  )
}

/** A designed empty state: what this place is for and the first thing to do. */
export function Empty({ title, text, children }: { title: string; text: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <h2>{title}</h2>
      <p>{text}</p>
      {children}
    </div>
  )
}

/** A message above a form or a section. */
export function Alert({ kind, children }: { kind: 'error' | 'success' | 'info' | 'warning'; children: ComponentChildren }) {
  return <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>{children}</div>
}
