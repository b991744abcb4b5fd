import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { ProjectSecret } from '../../../protocol/schemas/dashboard/projects.ts'
import { call } from '../api/client.ts'
import { can } from '../app/session.ts'
import { t } from '../i18n/i18n.ts'
import { Field } from '../ui/Field.tsx'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { NewProjectResult } from './NewProjectResult.tsx'
import { useResource } from './use-resource.ts'

/** The list of projects the user can see, and creating a test project. */
export function ProjectsPage() {
  const list = useResource(() => call(ENDPOINTS.projects))
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<ProjectSecret>()

  if (created) return <NewProjectResult created={created} onDone={() => { setCreated(undefined); list.reload() }} />
  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('projects_title')}</h1>
          <p class="lead">{t('projects_lead')}</p>
        </div>
        {can('projects.create') && !creating && <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>{t('new_project')}</button>}
      </div>
      {creating && <CreateProject onCancel={() => setCreating(false)} onCreated={(p) => { setCreating(false); setCreated(p) }} />}
      {list.loading && !list.data ? <Loading />
        : list.error ? <ErrorState message={errorText(list.error)} onRetry={list.reload} />
        : list.data!.projects.length === 0 ? (
          <Empty title={t('projects_empty_title')} text={t('projects_empty_text')}>
            {can('projects.create') && !creating && <button type="button" class="btn btn-primary" onClick={() => setCreating(true)}>{t('new_project')}</button>}
          </Empty>
        ) : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('projects_title')}>
            <table class="table">
              <caption class="sr-only">{t('projects_title')}</caption>
              <thead>
                <tr><th scope="col">{t('col_project')}</th><th scope="col">{t('col_id')}</th><th scope="col">{t('col_mode')}</th><th scope="col">{t('col_callback')}</th></tr>
              </thead>
              <tbody>
                {list.data!.projects.map((p) => (
                  <tr key={p.id}>
                    <th scope="row"><a href={`/dashboard/projects/${p.id}`}>{p.name}</a></th>
                    <td class="mono">{p.id}</td>
                    <td><span class={p.test_mode ? 'badge badge-test' : 'badge badge-live'}>{p.test_mode ? t('mode_test') : t('mode_live')}</span></td>
                    <td class="truncate">{p.callback_url ?? t('none')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  )
}

function CreateProject({ onCancel, onCreated }: { onCancel: () => void; onCreated: (p: ProjectSecret) => void }) {
  const [name, setName] = useState('')
  const [callback, setCallback] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  return (
    <form
      class="panel"
      aria-labelledby="create-title"
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        setError(undefined)
        try {
          onCreated(await call(ENDPOINTS.createProject, { body: { name, ...(callback ? { callback_url: callback } : {}) } }))
        } catch (err) {
          setError(errorText(err))
        } finally {
          setBusy(false)
        }
      }}
    >
      <h2 id="create-title">{t('create_title')}</h2>
      <p class="hint">{t('create_lead')}</p>
      {error && <Alert kind="error">{error}</Alert>}
      <div class="grid-2">
        <Field label={t('project_name')}>
          {({ id }) => <input id={id} required maxLength={100} autoFocus value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
        <Field label={t('callback_url')} hint={t('callback_hint')}>
          {({ id, describedBy }) => <input id={id} type="url" aria-describedby={describedBy} placeholder="https://shop.example/epay/callback" value={callback} onInput={(e) => setCallback((e.currentTarget as HTMLInputElement).value)} />}
        </Field>
      </div>
      <div class="actions">
        <button class="btn btn-primary" type="submit" disabled={busy}>{busy ? t('creating') : t('create_button')}</button>
        <button class="btn" type="button" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </form>
  )
}
