import { useRoute } from 'preact-iso'
import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { GoLiveRequestView, PlatformOrgDetail } from '../../../protocol/schemas/dashboard/onboarding.ts'
import { call } from '../api/client.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { DocumentLink, StatusBadge } from '../projects/GoLivePanel.tsx'
import { useResource } from '../projects/use-resource.ts'
import { Field } from '../ui/Field.tsx'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

/** One organisation for platform operators: its projects, go-live requests to decide, suspension. */
export function PlatformOrgPage() {
  const { params } = useRoute()
  const orgId = params['org'] ?? ''
  const detail = useResource(() => call(ENDPOINTS.platformOrg, { params: { org: orgId } }), [orgId])
  if (detail.loading && !detail.data) return <Loading />
  if (detail.error || !detail.data) return <ErrorState message={errorText(detail.error)} onRetry={detail.reload} />
  const { organisation: org, projects, requests } = detail.data
  return (
    <section class="page">
      <p class="crumbs"><a href="/dashboard/platform">{t('platform_title')}</a> <span aria-hidden="true">/</span></p>
      <div class="page-head">
        <div>
          <h1>{org.name}</h1>
          <p class="lead">
            <span class="mono">{org.id}</span>{' '}
            <span class={org.status === 'active' ? 'badge badge-active' : 'badge badge-disabled'}>{t(`org_${org.status}`)}</span>
          </p>
        </div>
      </div>
      <div class="panel">
        <h2>{t('org_requests')}</h2>
        {requests.length === 0 ? <p class="hint">{t('org_no_requests')}</p>
          : requests.map((r) => <RequestCard key={r.id} request={r} onDecided={detail.reload} />)}
      </div>
      <div class="panel">
        <h2>{t('col_projects')}</h2>
        <ul class="doc-list">
          {projects.map((p) => (
            <li key={p.id}>
              <a href={`/dashboard/projects/${p.id}`}>{p.name}</a> <span class="mono">{p.id}</span>{' '}
              <span class={p.test_mode ? 'badge badge-test' : 'badge badge-live'}>{p.test_mode ? t('mode_test') : t('mode_live')}</span>
            </li>
          ))}
        </ul>
        <p class="hint">{t('col_owners')}: {org.owners.join(', ') || t('none')}</p>
      </div>
      <Suspension org={org} onChanged={detail.setData} />
    </section>
  )
}

function RequestCard({ request: r, onDecided }: { request: GoLiveRequestView; onDecided: () => void }) {
  const [rejecting, setRejecting] = useState(false)
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const act = async (work: () => Promise<unknown>) => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
      onDecided()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const titleId = `req-${r.id}`
  return (
    <article class="request" aria-labelledby={titleId}>
      <h3 id={titleId}>{r.project_name} <span class="mono">{r.project_id}</span> <StatusBadge status={r.status} /></h3>
      <dl class="facts facts-list">
        <dt>{t('col_requested')}</dt><dd>{formatTime(r.requested_at)} · {r.requested_by}</dd>
        {r.decided_at && <><dt>{t('col_decided')}</dt><dd>{formatTime(r.decided_at)}</dd></>}
        {r.reason && <><dt>{t('col_reason')}</dt><dd>{r.reason}</dd></>}
        {r.note && <><dt>{t('org_note')}</dt><dd>{r.note}</dd></>}
        <dt>{t('col_documents')}</dt>
        <dd><ul class="doc-list">{r.documents.map((d) => <li key={d.id}><DocumentLink doc={d} canDownload /></li>)}</ul></dd>
      </dl>
      {error && <Alert kind="error">{error}</Alert>}
      {r.status === 'pending' && (rejecting ? (
        <form onSubmit={(e) => {
          e.preventDefault()
          void act(() => call(ENDPOINTS.rejectGoLive, { params: { request: r.id }, body: { reason } }))
        }}>
          <Field label={t('reject_reason')}>
            {({ id }) => <textarea id={id} rows={3} required minLength={3} maxLength={1000} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />}
          </Field>
          <div class="actions">
            <button class="btn btn-danger" type="submit" disabled={busy}>{t('reject_confirm')}</button>
            <button class="btn" type="button" onClick={() => setRejecting(false)}>{t('cancel')}</button>
          </div>
        </form>
      ) : (
        <>
          <p class="hint">{t('approve_hint')}</p>
          <div class="actions">
            <button class="btn btn-primary" type="button" disabled={busy} onClick={() => act(() => call(ENDPOINTS.approveGoLive, { params: { request: r.id } }))}>{t('approve_button')}</button>
            <button class="btn" type="button" disabled={busy} onClick={() => setRejecting(true)}>{t('reject_button')}</button>
          </div>
        </>
      ))}
    </article>
  )
}

function Suspension({ org, onChanged }: { org: PlatformOrgDetail['organisation']; onChanged: (d: PlatformOrgDetail) => void }) {
  const [reason, setReason] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const act = async (work: () => Promise<PlatformOrgDetail>) => {
    setBusy(true)
    setError(undefined)
    try {
      onChanged(await work())
      setReason('')
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div class="panel">
      <h2>{t('suspend_title')}</h2>
      <p class="hint">{t('suspend_hint')}</p>
      {error && <Alert kind="error">{error}</Alert>}
      {org.status === 'suspended' ? (
        <>
          <Alert kind="warning">{t('org_suspended_since', { date: formatTime(org.suspended_at!), reason: org.suspended_reason ?? '' })}</Alert>
          <div class="actions">
            <button class="btn" type="button" disabled={busy} onClick={() => act(() => call(ENDPOINTS.reinstateOrg, { params: { org: org.id } }))}>{t('reinstate_button')}</button>
          </div>
        </>
      ) : (
        <form onSubmit={(e) => {
          e.preventDefault()
          void act(() => call(ENDPOINTS.suspendOrg, { params: { org: org.id }, body: { reason } }))
        }}>
          <Field label={t('suspend_reason')}>
            {({ id }) => <input id={id} type="text" required minLength={3} maxLength={1000} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)} />}
          </Field>
          <div class="actions">
            <button class="btn btn-danger" type="submit" disabled={busy}>{t('suspend_button')}</button>
          </div>
        </form>
      )}
    </div>
  )
}
