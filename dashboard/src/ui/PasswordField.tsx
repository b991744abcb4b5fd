import { useEffect, useState } from 'preact/hooks'
import { MIN_PASSWORD_LENGTH, MIN_PASSWORD_SCORE } from '../../../protocol/schemas/dashboard/common.ts'
import { t } from '../i18n/i18n.ts'
import { Field } from './Field.tsx'

type Estimator = (password: string, context: string[]) => number
let estimator: Promise<Estimator> | undefined
/** zxcvbn and its dictionaries are a separate chunk, fetched when someone starts typing a new password. */
const loadEstimator = () => (estimator ??= import('./password-strength.ts').then((m) => m.passwordScore))

/**
 * A new-password field with a strength meter (the estimator the server also applies, so "strong
 * enough" here means accepted there) and a show/hide toggle.
 */
export function NewPasswordField({ label, value, onInput, context, error, autoFocus }: { label: string; value: string; onInput: (v: string) => void; context: string[]; error?: string | undefined; autoFocus?: boolean }) {
  const [score, setScore] = useState<number | undefined>(undefined)
  const [shown, setShown] = useState(false)
  useEffect(() => {
    if (!value) return setScore(undefined)
    let live = true
    void loadEstimator().then((estimate) => live && setScore(value.length < MIN_PASSWORD_LENGTH ? Math.min(estimate(value, context), 1) : estimate(value, context)))
    return () => {
      live = false
    }
  }, [value])
  const level = score === undefined ? undefined : t(`strength_${score}` as 'strength_0')
  const weak = score !== undefined && score < MIN_PASSWORD_SCORE
  return (
    <Field label={label} hint={t('password_hint', { n: MIN_PASSWORD_LENGTH })} error={error}>
      {({ id, describedBy, invalid }) => (
        <>
          <div class="password-row">
            <input
              id={id}
              type={shown ? 'text' : 'password'}
              autocomplete="new-password"
              required
              minLength={MIN_PASSWORD_LENGTH}
              value={value}
              autoFocus={autoFocus}
              aria-invalid={invalid}
              aria-describedby={[describedBy, `${id}-meter`].filter(Boolean).join(' ')}
              onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
              onFocus={() => void loadEstimator()}
            />
            <button type="button" class="btn btn-small" aria-pressed={shown} onClick={() => setShown(!shown)}>
              {shown ? t('hide_password') : t('show_password')}
            </button>
          </div>
          <div class="meter" id={`${id}-meter`} aria-live="polite">
            <div class={`meter-bar meter-${score ?? 'none'}`} aria-hidden="true">
              {[0, 1, 2, 3].map((i) => <span key={i} class={score !== undefined && i < Math.max(score, 1) ? 'on' : ''} />)}
            </div>
            {level && <span class={weak ? 'meter-text weak' : 'meter-text'}>{t('strength_label', { level })}{weak ? ` — ${t('strength_too_weak')}` : ''}</span>}
          </div>
        </>
      )}
    </Field>
  )
}
