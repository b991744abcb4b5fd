import { useLocation } from 'preact-iso'
import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call, setCsrfToken } from '../api/client.ts'
import { landingPath, loadMe } from '../app/session.ts'
import { t } from '../i18n/i18n.ts'
import { Field } from '../ui/Field.tsx'
import { Alert } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { AuthLayout } from './AuthLayout.tsx'
import { SignUpLink } from './SignUpPages.tsx'

/** Email and password, then (for users with TOTP) the code or a recovery code. */
export function SignInPage() {
  const location = useLocation()
  const [step, setStep] = useState<'password' | 'totp' | 'recovery'>('password')
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const [code, setCode] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)

  const done = async () => {
    await loadMe()
    const next = location.query['next']
    location.route(next && next.startsWith('/dashboard/') && !next.startsWith('/dashboard/sign-in') ? next : landingPath())
  }
  const submit = async (e: Event) => {
    e.preventDefault()
    setBusy(true)
    setError(undefined)
    try {
      if (step === 'password') {
        const result = await call(ENDPOINTS.signIn, { body: { email, password } })
        // The half-signed-in session has its own CSRF token for the second step.
        setCsrfToken(result.csrf_token)
        setPassword('')
        if (result.next === 'totp') setStep('totp')
        else await done()
      } else {
        await call(ENDPOINTS.secondFactor, { body: step === 'totp' ? { code } : { recovery_code: code } })
        await done()
      }
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  if (step !== 'password') {
    return (
      <AuthLayout title={t('totp_title')} lead={step === 'totp' ? t('totp_lead') : t('recovery_lead_signin')}>
        <form onSubmit={submit} noValidate={false}>
          {error && <Alert kind="error">{error}</Alert>}
          <Field label={step === 'totp' ? t('totp_code') : t('recovery_code')}>
            {({ id, describedBy, invalid }) => (
              <input id={id} aria-describedby={describedBy} aria-invalid={invalid} autoFocus required
                inputMode={step === 'totp' ? 'numeric' : 'text'} autocomplete="one-time-code" pattern={step === 'totp' ? '[0-9]{6}' : undefined}
                maxLength={step === 'totp' ? 6 : 14} value={code} onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value.trim())} />
            )}
          </Field>
          <button class="btn btn-primary btn-block" type="submit" disabled={busy}>{busy ? t('checking') : t('totp_verify')}</button>
          <button type="button" class="link-button" onClick={() => { setCode(''); setError(undefined); setStep(step === 'totp' ? 'recovery' : 'totp') }}>
            {step === 'totp' ? t('use_recovery') : t('use_code')}
          </button>
        </form>
      </AuthLayout>
    )
  }
  return (
    <AuthLayout title={t('signin_title')} lead={t('signin_lead')}>
      <form onSubmit={submit}>
        {error && <Alert kind="error">{error}</Alert>}
        <Field label={t('email')}>
          {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} type="email" autocomplete="username" required autoFocus value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('password')}>
          {({ id, describedBy }) => <input id={id} aria-describedby={describedBy} type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <button class="btn btn-primary btn-block" type="submit" disabled={busy}>{busy ? t('signing_in') : t('signin_button')}</button>
      </form>
      <p class="auth-links"><a href="/dashboard/forgot">{t('forgot_link')}</a></p>
      <SignUpLink />
      {document.querySelector('meta[name="epay-dev-mail"]') && <DemoHint />}
    </AuthLayout>
  )
}

function DemoHint() {
  return <p class="auth-note">{t('devmail_hint')} <a href="/dashboard/dev/mail">{t('devmail_link')}</a></p>
}
