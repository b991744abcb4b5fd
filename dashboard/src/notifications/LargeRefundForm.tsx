import { useState } from 'preact/hooks'
import * as v from 'valibot'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { LARGE_REFUND_MAX_MAJOR, LargeRefundMajorSchema } from '../../../protocol/schemas/dashboard/notifications.ts'
import { ApiError, call } from '../api/client.ts'
import { language, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Field } from '../ui/Field.tsx'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

const whole = (n: number) => new Intl.NumberFormat(language.value === 'ru' ? 'ru-RU' : 'en-GB').format(n)

/**
 * The organisation's large-refund threshold (a whole number of major units of the refund's own
 * currency): changed by owners and admins over all its projects, shown read-only to the rest.
 * Checked with the schema the server validates with, so the screen and the API refuse alike.
 */
export function LargeRefundForm({ orgName }: { orgName: string }) {
  const settings = useResource(() => call(ENDPOINTS.orgNotificationSettings))
  const [draft, setDraft] = useState<string>()
  const [state, setState] = useState<{ saving?: boolean; saved?: boolean; invalid?: boolean; error?: string }>({})
  const current = settings.data?.large_refund_major
  const shown = draft ?? (current === undefined ? '' : String(current))

  return (
    <section class="panel note-settings note-threshold" aria-labelledby="large-refund-title">
      <h2 id="large-refund-title">{t('large_refund_title')}</h2>
      {settings.loading ? <Loading />
        : settings.error ? <ErrorState message={errorText(settings.error)} onRetry={settings.reload} />
        : !settings.data!.editable ? (
          <>
            <p>{t('large_refund_current', { amount: whole(current!) })}</p>
            <p class="hint">{t('large_refund_explain', { org: orgName })}</p>
            <Alert kind="info">{t('large_refund_read_only')}</Alert>
          </>
        ) : (
          <form
            noValidate
            onSubmit={async (e) => {
              e.preventDefault()
              const parsed = v.safeParse(LargeRefundMajorSchema, shown.trim() === '' ? Number.NaN : Number(shown.trim()))
              if (!parsed.success) return setState({ invalid: true })
              setState({ saving: true })
              try {
                const saved = await call(ENDPOINTS.setOrgNotificationSettings, { body: { large_refund_major: parsed.output } })
                settings.setData(saved)
                setDraft(undefined)
                setState({ saved: true })
              } catch (err) {
                if (err instanceof ApiError && err.code === 'validation_failed' && err.param === 'large_refund_major') setState({ invalid: true })
                else setState({ error: errorText(err) })
              }
            }}
          >
            <Field label={t('large_refund_label')} hint={t('large_refund_explain', { org: orgName })} error={state.invalid ? t('large_refund_invalid', { max: whole(LARGE_REFUND_MAX_MAJOR) }) : undefined}>
              {({ id, describedBy, invalid }) => (
                <input
                  id={id}
                  name="large_refund_major"
                  inputMode="numeric"
                  autoComplete="off"
                  value={shown}
                  aria-describedby={describedBy}
                  aria-invalid={invalid}
                  onInput={(e) => {
                    setDraft((e.currentTarget as HTMLInputElement).value)
                    setState({})
                  }}
                />
              )}
            </Field>
            {state.error && <Alert kind="error">{state.error}</Alert>}
            {state.saved && <Alert kind="success">{t('large_refund_saved', { amount: whole(current!) })}</Alert>}
            <button class="btn btn-primary" type="submit" disabled={state.saving || draft === undefined || draft.trim() === String(current)}>
              {state.saving ? t('saving') : t('save')}
            </button>
          </form>
        )}
    </section>
  )
}
