import type { PageMethod } from './page-method.ts'
import type { Translate } from '../i18n/translate.ts'

const LABELS = { card: 'method_card', jeton: 'method_jeton' } as const

export type MethodChoiceProps = { t: Translate; methods: readonly PageMethod[]; value: PageMethod; onChange: (method: PageMethod) => void }

/**
 * The payment method choice: native radios (arrow keys move and select, one Tab stop),
 * labelled by the screen title. The chosen tile also shows a checked radio, not only a colour.
 */
export function MethodChoice({ t, methods, value, onChange }: MethodChoiceProps) {
  return (
    <div class="choices choices--methods" role="radiogroup" aria-labelledby="form-title">
      {methods.map((method) => (
        <label key={method} class={method === value ? 'choice choice--checked' : 'choice'}>
          <input type="radio" name="method" value={method} checked={method === value} onChange={() => onChange(method)} />
          <span class="choice__text">{t(LABELS[method])}</span>
        </label>
      ))}
    </div>
  )
}
