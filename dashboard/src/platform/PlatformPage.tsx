import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

/** Platform operators: every organisation, those waiting for a go-live decision first. */
export function PlatformPage() {
  const list = useResource(() => call(ENDPOINTS.platformOrgs))
  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('platform_title')}</h1>
          <p class="lead">{t('platform_lead')}</p>
        </div>
      </div>
      {list.loading && !list.data ? <Loading />
        : list.error || !list.data ? <ErrorState message={errorText(list.error)} onRetry={list.reload} />
        : list.data.organisations.length === 0 ? <Empty title={t('platform_empty_title')} text={t('platform_empty_text')} />
        : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('platform_title')}>
            <table class="table">
              <caption class="sr-only">{t('platform_title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('col_organisation')}</th><th scope="col">{t('col_status')}</th><th scope="col" class="num">{t('col_pending')}</th>
                  <th scope="col" class="num">{t('col_projects')}</th><th scope="col" class="num">{t('col_live')}</th><th scope="col">{t('col_owners')}</th><th scope="col">{t('col_created')}</th>
                </tr>
              </thead>
              <tbody>
                {list.data.organisations.map((o) => (
                  <tr key={o.id}>
                    <th scope="row"><a href={`/dashboard/platform/${o.id}`}>{o.name}</a></th>
                    <td><span class={o.status === 'active' ? 'badge badge-active' : 'badge badge-disabled'}>{t(`org_${o.status}`)}</span></td>
                    <td class="num">{o.pending_requests > 0 ? <span class="badge badge-test">{o.pending_requests}</span> : 0}</td>
                    <td class="num">{o.projects}</td>
                    <td class="num">{o.live_projects}</td>
                    <td class="truncate">{o.owners.join(', ') || t('none')}</td>
                    <td>{formatTime(o.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  )
}
