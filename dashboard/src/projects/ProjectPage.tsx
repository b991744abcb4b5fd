import { useLocation, useRoute } from 'preact-iso'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'
import { can, me } from '../app/session.ts'
import { t } from '../i18n/i18n.ts'
import { ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { ConnectionPanel } from './ConnectionPanel.tsx'
import { GoLivePanel } from './GoLivePanel.tsx'
import { LimitsForm } from './LimitsForm.tsx'
import { ReconciliationPanel } from './ReconciliationPanel.tsx'
import { SecretPanel } from './SecretPanel.tsx'
import { SettingsForm } from './SettingsForm.tsx'
import { useResource } from './use-resource.ts'

const TABS = ['settings', 'limits', 'secret', 'connection', 'reconciliation', 'golive'] as const

/** One project: settings, limits, secret, upstream connection and reconciliation, each a tab kept in the URL (`?tab=`). */
export function ProjectPage() {
  const { params } = useRoute()
  const location = useLocation()
  const id = Number(params['id'])
  const project = useResource(() => call(ENDPOINTS.project, { params: { project: id } }), [id])
  const tab = TABS.find((x) => x === location.query['tab']) ?? 'settings'
  if (project.loading && !project.data) return <Loading />
  if (project.error || !project.data) return <ErrorState message={errorText(project.error)} onRetry={project.reload} />
  const p = project.data
  return (
    <section class="page">
      <p class="crumbs"><a href="/dashboard/projects">{t('nav_projects')}</a> <span aria-hidden="true">/</span></p>
      <div class="page-head">
        <div>
          <h1>{p.name}</h1>
          <p class="lead">
            <span class="mono">project_id {p.id}</span>{' '}
            <span class={p.test_mode ? 'badge badge-test' : 'badge badge-live'}>{p.test_mode ? t('mode_test') : t('mode_live')}</span>
          </p>
        </div>
      </div>
      <nav class="tabs" aria-label={t('project_sections')}>
        {TABS.map((x) => (
          <a key={x} href={`/dashboard/projects/${p.id}?tab=${x}`} aria-current={tab === x ? 'page' : undefined}>{t(`tab_${x}`)}</a>
        ))}
      </nav>
      {tab === 'settings' && <SettingsForm project={p} editable={can('projects.settings')} onSaved={project.setData} />}
      {tab === 'limits' && <LimitsForm project={p} editable={can('projects.limits')} onSaved={project.setData} />}
      {tab === 'secret' && <SecretPanel project={p} editable={can('projects.secret')} onRotated={project.setData} />}
      {tab === 'connection' && <ConnectionPanel project={p} editable={can('projects.connect')} />}
      {tab === 'golive' && <GoLivePanel project={p} editable={can('projects.golive')} canDownload={me.value?.user.role === 'owner' || can('platform.manage')} />}
      {tab === 'reconciliation' && <ReconciliationPanel project={p} />}
    </section>
  )
}
