import { useEffect, useState } from 'preact/hooks'
import type { InvitationView } from '../../../protocol/schemas/dashboard/auth.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'
import { t } from '../i18n/i18n.ts'
import { NewPasswordField } from '../ui/PasswordField.tsx'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { AuthLayout } from './AuthLayout.tsx'

/**
 * The link's token travels in the URL fragment (never sent to any server, so never in logs or
 * a Referer); it is read once and removed from the address bar.
 */
export function useLinkToken(): string | undefined {
  const [token] = useState(() => {
    const value = location.hash.slice(1)
    if (value) history.replaceState(history.state, '', location.pathname)
    return /^[A-Za-z0-9_-]{40,64}$/.test(value) ? value : undefined
  })
  return token
}

/** A new password for `email`, checked by the meter as the server will check it. */
export function SetPasswordForm({ email, submitLabel, onSubmit }: { email: string; submitLabel: string; onSubmit: (password: string) => Promise<void> }) {
  const [password, setPassword] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        setError(undefined)
        try {
          await onSubmit(password)
        } catch (err) {
          setError(errorText(err))
        } finally {
          setBusy(false)
        }
      }}
    >
      {error && <Alert kind="error">{error}</Alert>}
      <input type="email" autocomplete="username" value={email} hidden readOnly />
      <NewPasswordField label={t('new_password')} value={password} onInput={setPassword} context={[email]} autoFocus />
      <button class="btn btn-primary btn-block" type="submit" disabled={busy}>{submitLabel}</button>
    </form>
  )
}

/** Sets a new password from an emailed reset link. */
export function ResetPage() {
  const token = useLinkToken()
  const [done, setDone] = useState(false)
  return (
    <AuthLayout title={t('reset_title')}>
      {!token ? <Alert kind="error">{t('no_link')}</Alert>
        : done ? <Alert kind="success">{t('reset_done')}</Alert>
        : <SetPasswordForm email="" submitLabel={t('reset_button')} onSubmit={async (password) => {
            await call(ENDPOINTS.resetConfirm, { body: { token, password } })
            setDone(true)
          }} />}
      <p class="auth-links"><a href="/dashboard/sign-in">{t('back_to_sign_in')}</a></p>
    </AuthLayout>
  )
}

/** Accepts an invitation: shows whom it is for, then sets the password. */
export function InvitationPage() {
  const token = useLinkToken()
  const [view, setView] = useState<InvitationView>()
  const [error, setError] = useState<unknown>(token ? undefined : 'no-link')
  const [done, setDone] = useState(false)
  useEffect(() => {
    if (token) call(ENDPOINTS.invitation, { body: { token } }).then(setView, setError)
  }, [])
  const title = view ? t('invite_title', { org: view.organisation }) : t('invite_title_plain')
  return (
    <AuthLayout title={title}>
      {error ? <ErrorState message={error === 'no-link' ? t('no_link') : errorText(error)} />
        : !view ? <Loading />
        : done ? <Alert kind="success">{t('invite_done')}</Alert>
        : (
          <>
            <p class="lead">{t('invite_lead', { role: t(`role_${view.role}`), email: view.email })}</p>
            <SetPasswordForm email={view.email} submitLabel={t('invite_accept')} onSubmit={async (password) => {
              await call(ENDPOINTS.acceptInvitation, { body: { token: token!, password } })
              setDone(true)
            }} />
          </>
        )}
      <p class="auth-links"><a href="/dashboard/sign-in">{t('back_to_sign_in')}</a></p>
    </AuthLayout>
  )
}
