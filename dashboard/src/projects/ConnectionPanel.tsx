import { useState } from 'preact/hooks'
import { CONNECTION_PROVIDERS, type ConnectionView } from '../../../protocol/schemas/dashboard/connection.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PAGE_METHODS } from '../../../protocol/schemas/page-api.ts'
import type { ProjectView } from '../../../protocol/schemas/dashboard/projects.ts'
import { ApiError, call } from '../api/client.ts'
import { t } from '../i18n/i18n.ts'
import { Field } from '../ui/Field.tsx'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { useResource } from './use-resource.ts'

type Draft = { provider: string; url: string; upstream_project_id: string; methods: string[]; secret: string }

/**
 * Where a project's live payments go (issue 14): the upstream gateway it is connected to, or
 * none. Owners and admins connect and disconnect; the secret is sent once and never shown again.
 */
export function ConnectionPanel({ project, editable }: { project: ProjectView; editable: boolean }) {
  const current = useResource(() => call(ENDPOINTS.connection, { params: { project: project.id } }), [project.id])
  const [draft, setDraft] = useState<Draft>({ provider: CONNECTION_PROVIDERS[0], url: '', upstream_project_id: '', methods: [...PAGE_METHODS], secret: '' })
  const [errors, setErrors] = useState<Record<string, string>>({})
  const [error, setError] = useState<string>()
  const [saved, setSaved] = useState(false)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  if (current.loading && !current.data) return <Loading />
  if (current.error || !current.data) return <ErrorState message={errorText(current.error)} onRetry={current.reload} />
  const connection = current.data.connection
  const done = (view: ConnectionView) => {
    current.setData(view)
    setDraft({ ...draft, secret: '' })
  }
  const set = (name: keyof Draft) => (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value })

  return (
    <div class="panel">
      <h2>{t('connection_title')}</h2>
      <p class="hint">{project.test_mode ? t('connection_lead_test') : t('connection_lead_live')}</p>
      {connection ? (
        <dl class="facts facts-list">
          <dt>{t('connection_provider')}</dt><dd>{t('provider_ecommpay_gate')}</dd>
          <dt>{t('connection_url')}</dt><dd class="mono">{connection.url}</dd>
          <dt>{t('connection_upstream_project')}</dt><dd class="mono">{connection.upstream_project_id}</dd>
          <dt>{t('connection_methods')}</dt><dd>{connection.methods.map((m) => t(`method_${m as 'card' | 'jeton'}`)).join(', ')}</dd>
          <dt>{t('connection_secret')}</dt><dd>{t('connection_secret_sealed')}</dd>
        </dl>
      ) : (
        <Alert kind={project.test_mode ? 'info' : 'warning'}>{project.test_mode ? t('connection_none_test') : t('connection_none_live')}</Alert>
      )}
      {saved && <Alert kind="success">{t('connection_saved')}</Alert>}
      {error && <Alert kind="error">{error}</Alert>}
      {!editable ? <Alert kind="info">{t('connection_read_only')}</Alert> : (
        <form
          class="form"
          onSubmit={async (e) => {
            e.preventDefault()
            setBusy(true)
            setError(undefined)
            setErrors({})
            setSaved(false)
            try {
              done(await call(ENDPOINTS.connect, {
                params: { project: project.id },
                body: { provider: draft.provider as 'ecommpay-gate', url: draft.url, upstream_project_id: Number(draft.upstream_project_id), methods: draft.methods as Array<'card' | 'jeton'>, secret: draft.secret },
              }))
              setSaved(true)
            } catch (err) {
              // A field the server refused is marked at the field, with the server's reason.
              if (err instanceof ApiError && err.code === 'validation_failed' && err.param) {
                setErrors({ [err.param.split('.')[0]!]: err.message.replace(/^[\w.]+: /, '') })
              } else setError(errorText(err))
            } finally {
              setBusy(false)
            }
          }}
        >
          <h3>{connection ? t('connection_change') : t('connection_new')}</h3>
          <Field label={t('connection_url')} hint={t('connection_url_hint')} error={errors['url']}>
            {({ id, describedBy, invalid }) => <input id={id} type="url" required inputMode="url" autocomplete="off" value={draft.url} onInput={set('url')} aria-describedby={describedBy} aria-invalid={invalid} />}
          </Field>
          <Field label={t('connection_upstream_project')} error={errors['upstream_project_id']}>
            {({ id, describedBy, invalid }) => <input id={id} type="text" required inputMode="numeric" pattern="[1-9][0-9]*" autocomplete="off" value={draft.upstream_project_id} onInput={set('upstream_project_id')} aria-describedby={describedBy} aria-invalid={invalid} />}
          </Field>
          <fieldset class="group">
            <legend>{t('connection_methods')}</legend>
            {PAGE_METHODS.map((m) => (
              <label class="check" key={m}>
                <input type="checkbox" checked={draft.methods.includes(m)} onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked
                  setDraft({ ...draft, methods: on ? [...draft.methods, m] : draft.methods.filter((x) => x !== m) })
                }} /> {t(`method_${m}`)}
              </label>
            ))}
            {errors['methods'] && <p class="field-error">{errors['methods']}</p>}
          </fieldset>
          <Field label={t('connection_secret')} hint={t('connection_secret_hint')} error={errors['secret']}>
            {({ id, describedBy, invalid }) => <input id={id} type="password" required autocomplete="new-password" value={draft.secret} onInput={set('secret')} aria-describedby={describedBy} aria-invalid={invalid} />}
          </Field>
          <div class="actions">
            <button class="btn btn-primary" type="submit" disabled={busy}>{connection ? t('connection_save') : t('connection_connect')}</button>
          </div>
        </form>
      )}
      {editable && connection && (confirming ? (
        <div class="confirm" role="group" aria-label={t('connection_disconnect')}>
          <p>{project.test_mode ? t('confirm_disconnect_test', { name: project.name }) : t('confirm_disconnect_live', { name: project.name })}</p>
          <div class="actions">
            <button type="button" class="btn btn-danger" disabled={busy} onClick={async () => {
              setBusy(true)
              setError(undefined)
              try {
                done(await call(ENDPOINTS.disconnect, { params: { project: project.id } }))
                setConfirming(false)
                setSaved(false)
              } catch (err) {
                setError(errorText(err))
              } finally {
                setBusy(false)
              }
            }}>{t('connection_disconnect')}</button>
            <button type="button" class="btn" onClick={() => setConfirming(false)}>{t('cancel')}</button>
          </div>
        </div>
      ) : (
        <div class="actions">
          <button type="button" class="btn btn-danger" onClick={() => setConfirming(true)}>{t('connection_disconnect')}</button>
        </div>
      ))}
    </div>
  )
}
