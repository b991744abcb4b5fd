import { useState } from 'preact/hooks'
import { t } from '../i18n/i18n.ts'

/** Copies text (or what `text` gives at the click) to the clipboard and says so (politely announced). */
export function CopyButton({ text, label, class: className }: { text: string | (() => string); label?: string; class?: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <button
      type="button"
      class={className ?? 'btn btn-small'}
      onClick={async () => {
        await navigator.clipboard?.writeText(typeof text === 'function' ? text() : text).catch(() => undefined)
        setCopied(true)
        setTimeout(() => setCopied(false), 2000)
      }}
    >
      <span aria-live="polite">{copied ? t('copied') : (label ?? t('copy'))}</span>
    </button>
  )
}
