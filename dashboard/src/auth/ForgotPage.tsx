import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'
import { t } from '../i18n/i18n.ts'
import { Field } from '../ui/Field.tsx'
import { Alert } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { AuthLayout } from './AuthLayout.tsx'

/** Asks for a reset link; the answer is the same whether or not the email has an account. */
export function ForgotPage() {
  const [email, setEmail] = useState('')
  const [sent, setSent] = useState(false)
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  return (
    <AuthLayout title={t('forgot_title')} lead={t('forgot_lead')}>
      {sent ? (
        <Alert kind="success">{t('forgot_sent', { email })}</Alert>
      ) : (
        <form
          onSubmit={async (e) => {
            e.preventDefault()
            setBusy(true)
            setError(undefined)
            try {
              await call(ENDPOINTS.resetRequest, { body: { email } })
              setSent(true)
            } catch (err) {
              setError(errorText(err))
            } finally {
              setBusy(false)
            }
          }}
        >
          {error && <Alert kind="error">{error}</Alert>}
          <Field label={t('email')}>
            {({ id }) => <input id={id} type="email" autocomplete="username" required autoFocus value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
          <button class="btn btn-primary btn-block" type="submit" disabled={busy}>{t('forgot_send')}</button>
        </form>
      )}
      <p class="auth-links"><a href="/dashboard/sign-in">{t('back_to_sign_in')}</a></p>
    </AuthLayout>
  )
}
