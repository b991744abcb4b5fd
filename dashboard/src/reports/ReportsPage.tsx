import { useEffect, useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { REPORT_FORMATS, REPORT_KINDS, type ReportView } from '../../../protocol/schemas/dashboard/reports.ts'
import { call } from '../api/client.ts'
import { me } from '../app/session.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { localDay } from '../ui/local-day.ts'
import { SubscriptionsPanel } from './SubscriptionsPanel.tsx'

/** How often the list is asked again while a report is being made. */
const POLL_MS = 2000


type Draft = { report: string; format: string; from: string; to: string; mode: string; project: string }

const size = (bytes: number | null) => (bytes === null ? '' : bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(bytes < 10_240 ? 1 : 0)} KB`)

/**
 * Reports (SPEC §14): operations or statistics for a period, made in the background and kept
 * for 7 days. The user's own reports are listed; the list follows a report being made.
 */
export function ReportsPage() {
  const today = new Date()
  const live = me.value!.projects.some((p) => !p.test_mode)
  const [draft, setDraft] = useState<Draft>({
    report: 'operations', format: 'csv', from: localDay(new Date(today.getFullYear(), today.getMonth(), 1)), to: localDay(today), mode: live ? 'live' : 'test', project: '',
  })
  const list = useResource(() => call(ENDPOINTS.reports))
  const [sending, setSending] = useState(false)
  const [error, setError] = useState<string>()
  const waiting = list.data?.reports.some((r) => r.status === 'queued' || r.status === 'running')
  useEffect(() => {
    if (!waiting) return
    const timer = setTimeout(() => void call(ENDPOINTS.reports).then((next) => list.setData(next), () => undefined), POLL_MS)
    return () => clearTimeout(timer)
  }, [list.data])
  const set = (name: keyof Draft) => (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value })

  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('reports_title')}</h1>
          <p class="lead">{t('reports_lead')}</p>
        </div>
      </div>
      <form
        class="filters report-form"
        aria-label={t('report_new')}
        onSubmit={async (e) => {
          e.preventDefault()
          setSending(true)
          setError(undefined)
          try {
            const made = await call(ENDPOINTS.createReport, {
              body: {
                report: draft.report as ReportView['report'], format: draft.format as ReportView['format'], from: draft.from, to: draft.to,
                tz: Intl.DateTimeFormat().resolvedOptions().timeZone, mode: draft.mode as ReportView['mode'],
                ...(draft.project ? { project: Number(draft.project) } : {}),
              },
            })
            list.setData({ reports: [made, ...(list.data?.reports ?? [])] })
          } catch (err) {
            setError(errorText(err))
          } finally {
            setSending(false)
          }
        }}
      >
        <label>{t('report_kind')}
          <select value={draft.report} onChange={set('report')}>
            {REPORT_KINDS.map((k) => <option key={k} value={k}>{t(`report_${k}`)}</option>)}
          </select>
        </label>
        <label>{t('filter_from')}<input type="date" required value={draft.from} onInput={set('from')} /></label>
        <label>{t('filter_to')}<input type="date" required value={draft.to} onInput={set('to')} /></label>
        <label>{t('report_mode')}
          <select value={draft.mode} onChange={set('mode')}>
            <option value="live">{t('mode_live')}</option>
            <option value="test">{t('mode_test')}</option>
          </select>
        </label>
        <label>{t('filter_project')}
          <select value={draft.project} onChange={set('project')}>
            <option value="">{t('any')}</option>
            {me.value!.projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
          </select>
        </label>
        <label>{t('report_format')}
          <select value={draft.format} onChange={set('format')}>
            {REPORT_FORMATS.map((f) => <option key={f} value={f}>{f.toUpperCase()}</option>)}
          </select>
        </label>
        <div class="filter-actions">
          <button class="btn btn-primary" type="submit" disabled={sending}>{sending ? t('report_making') : t('report_make')}</button>
        </div>
      </form>
      {error && <Alert kind="error">{error}</Alert>}
      {list.loading ? <Loading />
        : list.error ? <ErrorState message={errorText(list.error)} onRetry={list.reload} />
        : list.data!.reports.length === 0 ? <Empty title={t('reports_empty_title')} text={t('reports_empty')} />
        : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('reports_made')}>
            <table class="table reports">
              <caption class="sr-only">{t('reports_made')}</caption>
              <thead>
                <tr><th scope="col">{t('report_kind')}</th><th scope="col">{t('report_period')}</th><th scope="col">{t('report_status')}</th><th scope="col">{t('report_file')}</th></tr>
              </thead>
              <tbody aria-live="polite">
                {list.data!.reports.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">
                      {t(`report_${r.report}`)} <span class="badge">{r.format.toUpperCase()}</span> <span class={`badge badge-${r.mode}`}>{t(`mode_${r.mode}`)}</span>
                      {r.project !== null && <span class="chip">{t('filter_project')} {r.project}</span>}
                    </th>
                    <td class="nowrap">{r.from} – {r.to}</td>
                    <td><span class={`status status-report-${r.status}`}>{t(`report_status_${r.status}`)}</span></td>
                    <td>
                      {r.file_url
                        ? <><a href={r.file_url} download>{t('download')}</a> <span class="muted">{size(r.size)}</span><br /><span class="muted">{t('report_kept_until', { time: formatTime(r.expires_at!) })}</span></>
                        : <span class="muted">{t('report_made_at', { time: formatTime(r.created_at) })}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <SubscriptionsPanel />
    </section>
  )
}
