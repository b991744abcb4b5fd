import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { NOTIFICATION_KINDS, type NotificationSettings } from '../../../protocol/schemas/dashboard/notifications.ts'
import { call } from '../api/client.ts'
import { me } from '../app/session.ts'
import { t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

/** Email on or off per kind; every kind is shown in the dashboard whatever is chosen here. */
export function NotificationSettingsForm() {
  const settings = useResource(() => call(ENDPOINTS.notificationSettings))
  const [draft, setDraft] = useState<NotificationSettings>()
  const [state, setState] = useState<{ saving?: boolean; saved?: boolean; error?: string }>({})
  const shown = draft ?? settings.data

  return (
    <section class="panel note-settings" aria-labelledby="note-settings-title">
      <h2 id="note-settings-title">{t('notification_settings_title')}</h2>
      {settings.loading ? <Loading />
        : settings.error ? <ErrorState message={errorText(settings.error)} onRetry={settings.reload} />
        : (
          <form
            onSubmit={async (e) => {
              e.preventDefault()
              setState({ saving: true })
              try {
                const saved = await call(ENDPOINTS.setNotificationSettings, { body: shown! })
                settings.setData(saved)
                setDraft(undefined)
                setState({ saved: true })
              } catch (err) {
                setState({ error: errorText(err) })
              }
            }}
          >
            <fieldset>
              <legend>{t('notification_settings_lead', { email: me.value!.user.email })}</legend>
              {NOTIFICATION_KINDS.map((kind) => (
                <label key={kind} class="check">
                  <input
                    type="checkbox"
                    checked={shown!.email[kind]}
                    onChange={(e) => {
                      setDraft({ email: { ...shown!.email, [kind]: (e.currentTarget as HTMLInputElement).checked } })
                      setState({})
                    }}
                  />
                  {t(`notification_kind_${kind}`)}
                </label>
              ))}
            </fieldset>
            {state.error && <Alert kind="error">{state.error}</Alert>}
            {state.saved && <Alert kind="success">{t('notification_settings_saved')}</Alert>}
            <button class="btn btn-primary" type="submit" disabled={state.saving || !draft}>{t('notification_settings_save')}</button>
          </form>
        )}
    </section>
  )
}
