import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'
import { AuthLayout } from '../auth/AuthLayout.tsx'
import { formatTime, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

const LINK = /(https?:\/\/[^\s]+)/g

/** Demo mode without SMTP: the mail EPay would have sent, with its links clickable. */
export function DevMailPage() {
  const mail = useResource(() => call(ENDPOINTS.devMail))
  return (
    <AuthLayout title={t('devmail_title')} lead={t('devmail_lead')}>
      {mail.loading ? <Loading /> : mail.error ? <ErrorState message={errorText(mail.error)} onRetry={mail.reload} />
        : mail.data!.messages.length === 0 ? <Empty title={t('devmail_empty')} text={t('devmail_empty_text')} />
        : (
          <ol class="mail-list">
            {mail.data!.messages.map((m) => (
              <li key={m.id} class="mail">
                <h2>{m.subject}</h2>
                <p class="muted">{t('devmail_to')} {m.to} · {formatTime(m.created_at)}</p>
                <p class="mail-body">
                  {m.text.split(LINK).map((part, i) => (i % 2 === 1 ? <a key={i} href={part}>{part}</a> : part))}
                </p>
              </li>
            ))}
          </ol>
        )}
      <p class="auth-links"><a href="/dashboard/sign-in">{t('back_to_sign_in')}</a></p>
    </AuthLayout>
  )
}
