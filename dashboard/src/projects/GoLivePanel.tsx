import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { MAX_DOCUMENT_BYTES, type DocumentView, type GoLiveRequestView } from '../../../protocol/schemas/dashboard/onboarding.ts'
import type { ProjectView } from '../../../protocol/schemas/dashboard/projects.ts'
import { call, endpointUrl, upload } from '../api/client.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { Field } from '../ui/Field.tsx'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { useResource } from './use-resource.ts'

const ACCEPT = '.pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg'

/**
 * The way to live mode (issue 13 item 7): documents uploaded one by one, then a request a
 * platform operator decides. Only owners upload and ask; the others see where it stands.
 */
export function GoLivePanel({ project, editable, canDownload }: { project: ProjectView; editable: boolean; canDownload: boolean }) {
  const state = useResource(() => call(ENDPOINTS.goLive, { params: { project: project.id } }), [project.id])
  const [note, setNote] = useState('')
  const [error, setError] = useState<string>()
  const [sent, setSent] = useState(false)
  const [busy, setBusy] = useState(false)
  if (state.loading && !state.data) return <Loading />
  if (state.error || !state.data) return <ErrorState message={errorText(state.error)} onRetry={state.reload} />
  const { waiting, requests, test_mode } = state.data
  const latest = requests[0]
  const pending = latest?.status === 'pending'
  const act = async (work: () => Promise<unknown>) => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
      state.reload()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div class="panel">
      <h2>{t('golive_title')}</h2>
      {!test_mode ? (
        <>
          <Alert kind="success">{t('golive_live')}</Alert>
          <p class="hint">{t('golive_live_hint')}</p>
        </>
      ) : pending ? <Alert kind="info">{t('golive_pending')}</Alert>
        : (
          <>
            <p class="hint">{t('golive_lead')}</p>
            {latest?.status === 'rejected' && <Alert kind="warning">{t('golive_rejected', { reason: latest.reason ?? '' })}</Alert>}
          </>
        )}
      {sent && pending && <Alert kind="success">{t('golive_requested')}</Alert>}
      {error && <Alert kind="error">{error}</Alert>}
      {test_mode && !pending && (
        <>
          <h3>{t('golive_waiting')}</h3>
          {waiting.length === 0 ? <p class="hint">{t('golive_no_documents')}</p> : (
            <ul class="doc-list">
              {waiting.map((d) => (
                <li key={d.id}>
                  <DocumentLink doc={d} canDownload={canDownload} />
                  {editable && <button type="button" class="btn btn-quiet" disabled={busy} aria-label={t('golive_remove', { name: d.file_name })} onClick={() => act(() => call(ENDPOINTS.deleteDocument, { params: { project: project.id, document: d.id } }))}>{t('remove_limit')}</button>}
                </li>
              ))}
            </ul>
          )}
          {!editable ? <Alert kind="info">{t('golive_read_only')}</Alert> : (
            <>
              <Field label={t('golive_file')} hint={t('golive_file_hint')}>
                {({ id, describedBy }) => (
                  <input id={id} type="file" accept={ACCEPT} aria-describedby={describedBy} disabled={busy} onChange={(e) => {
                    const input = e.currentTarget as HTMLInputElement
                    const file = input.files?.[0]
                    if (!file) return
                    // Said at once rather than after sending 10 MB; the server refuses it anyway.
                    if (file.size > MAX_DOCUMENT_BYTES) {
                      setError(t('err_payload_too_large'))
                      input.value = ''
                      return
                    }
                    void act(async () => {
                      await upload(ENDPOINTS.uploadDocument, { project: project.id }, 'document', file)
                      input.value = ''
                    })
                  }} />
                )}
              </Field>
              <form onSubmit={(e) => {
                e.preventDefault()
                void act(async () => {
                  await call(ENDPOINTS.requestGoLive, { params: { project: project.id }, body: note.trim() ? { note } : {} })
                  setSent(true)
                  setNote('')
                })
              }}>
                <Field label={t('golive_note')}>
                  {({ id }) => <textarea id={id} rows={3} maxLength={1000} value={note} onInput={(e) => setNote((e.currentTarget as HTMLTextAreaElement).value)} />}
                </Field>
                <div class="actions">
                  <button class="btn btn-primary" type="submit" disabled={busy || waiting.length === 0}>{t('golive_request')}</button>
                </div>
              </form>
            </>
          )}
        </>
      )}
      {requests.length > 0 && <RequestHistory requests={requests} canDownload={canDownload} />}
    </div>
  )
}

function RequestHistory({ requests, canDownload }: { requests: GoLiveRequestView[]; canDownload: boolean }) {
  return (
    <>
      <h3>{t('golive_history')}</h3>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={t('golive_history')}>
        <table class="table">
          <thead>
            <tr><th scope="col">{t('col_requested')}</th><th scope="col">{t('col_status')}</th><th scope="col">{t('col_reason')}</th><th scope="col">{t('col_documents')}</th></tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.id}>
                <td>{formatTime(r.requested_at)}</td>
                <td><StatusBadge status={r.status} /></td>
                <td>{r.reason ?? t('none')}</td>
                <td><ul class="doc-list">{r.documents.map((d) => <li key={d.id}><DocumentLink doc={d} canDownload={canDownload} /></li>)}</ul></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}

/** A go-live request's state as a badge. */
export function StatusBadge({ status }: { status: GoLiveRequestView['status'] }) {
  const kind = status === 'approved' ? 'badge-live' : status === 'rejected' ? 'badge-disabled' : 'badge-test'
  return <span class={`badge ${kind}`}>{t(`golive_status_${status}`)}</span>
}

/** A document's name and size; a download link for those the server lets download it. */
export function DocumentLink({ doc, canDownload }: { doc: DocumentView; canDownload: boolean }) {
  const size = t('size_kb', { n: Math.max(1, Math.round(doc.size / 1024)) })
  return canDownload
    ? <span><a href={endpointUrl(ENDPOINTS.document, { params: { document: doc.id } })} download={doc.file_name} aria-label={t('download_document', { name: doc.file_name })}>{doc.file_name}</a> <span class="hint-inline">{size}</span></span>
    : <span>{doc.file_name} <span class="hint-inline">{size}</span></span>
}
