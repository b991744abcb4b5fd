import { useLocation } from 'preact-iso'
import { useEffect, useState } from 'preact/hooks'
import type { SignUpView } from '../../../protocol/schemas/dashboard/onboarding.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { ApiError, call, setCsrfToken } from '../api/client.ts'
import { loadMe } from '../app/session.ts'
import { language, t } from '../i18n/i18n.ts'
import { welcome } from '../onboarding/welcome.ts'
import { Field } from '../ui/Field.tsx'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { AuthLayout } from './AuthLayout.tsx'
import { SetPasswordForm, useLinkToken } from './LinkPages.tsx'

/** "Create an account" under the sign-in form, only where registration is open (EPAY_SIGNUP=1). */
export function SignUpLink() {
  const [open, setOpen] = useState(false)
  useEffect(() => {
    call(ENDPOINTS.signUpStatus).then((s) => setOpen(s.enabled), () => setOpen(false))
  }, [])
  return open ? <p class="auth-links"><a href="/dashboard/sign-up">{t('signup_link')}</a></p> : null
}

/** Registration: an email and an organisation name; the rest happens from the mailed link. */
export function SignUpPage() {
  const [email, setEmail] = useState('')
  const [organisation, setOrganisation] = useState('')
  const [sent, setSent] = useState(false)
  const [closed, setClosed] = useState(false)
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  return (
    <AuthLayout title={t('signup_title')} lead={t('signup_lead')}>
      {closed ? <Alert kind="info">{t('signup_closed')}</Alert>
        : sent ? <Alert kind="success">{t('signup_sent', { email })}</Alert>
        : (
          <form
            onSubmit={async (e) => {
              e.preventDefault()
              setBusy(true)
              setError(undefined)
              try {
                await call(ENDPOINTS.signUp, { body: { email, organisation, language: language.value } })
                setSent(true)
              } catch (err) {
                if (err instanceof ApiError && err.code === 'not_found') setClosed(true)
                else setError(errorText(err))
              } finally {
                setBusy(false)
              }
            }}
          >
            {error && <Alert kind="error">{error}</Alert>}
            <Field label={t('email')}>
              {({ id }) => <input id={id} type="email" autocomplete="email" required autoFocus value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
            <Field label={t('organisation_name')}>
              {({ id }) => <input id={id} type="text" autocomplete="organization" required minLength={2} maxLength={120} value={organisation} onInput={(e) => setOrganisation((e.currentTarget as HTMLInputElement).value)} />}
            </Field>
            <button class="btn btn-primary btn-block" type="submit" disabled={busy}>{t('signup_button')}</button>
          </form>
        )}
      <p class="auth-links"><a href="/dashboard/sign-in">{t('back_to_sign_in')}</a></p>
    </AuthLayout>
  )
}

/** The mailed link: shows the address and organisation, takes the password, then signs in. */
export function VerifyPage() {
  const token = useLinkToken()
  const location = useLocation()
  const [view, setView] = useState<SignUpView>()
  const [error, setError] = useState<unknown>(token ? undefined : 'no-link')
  useEffect(() => {
    if (token) call(ENDPOINTS.signUpView, { body: { token } }).then(setView, setError)
  }, [])
  return (
    <AuthLayout title={t('verify_title')}>
      {error ? <ErrorState message={error === 'no-link' ? t('no_link') : errorText(error)} />
        : !view ? <Loading />
        : (
          <>
            <p class="lead">{t('verify_lead', { email: view.email, org: view.organisation })}</p>
            <SetPasswordForm email={view.email} submitLabel={t('verify_button')} onSubmit={async (password) => {
              const result = await call(ENDPOINTS.verifySignUp, { body: { token: token!, password } })
              setCsrfToken(result.csrf_token)
              welcome.value = result.created
              await loadMe()
              location.route('/dashboard/welcome')
            }} />
          </>
        )}
      <p class="auth-links"><a href="/dashboard/sign-in">{t('back_to_sign_in')}</a></p>
    </AuthLayout>
  )
}
