import { useLocation } from 'preact-iso'
import { useEffect, useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { JOURNAL_ACTIONS, type JournalEntry } from '../../../protocol/schemas/dashboard/journal.ts'
import { call, endpointUrl } from '../api/client.ts'
import { me } from '../app/session.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

const FILTERS = ['from', 'to', 'user', 'action', 'project'] as const
type Filters = Partial<Record<(typeof FILTERS)[number], string>>

/** The date inputs hold local days; the API takes instants: a day starts at local midnight. */
const toInstant = (day: string | undefined, end = false) => {
  if (!day) return undefined
  const d = new Date(`${day}T00:00:00`)
  if (end) d.setDate(d.getDate() + 1)
  return d.toISOString()
}

const show = (value: unknown): string =>
  value === null || value === undefined ? '—' : Array.isArray(value) && value.every((x) => typeof x !== 'object') ? value.join(', ') || '—' : typeof value === 'object' ? JSON.stringify(value) : String(value)

/** Before/after values field by field: `field: before → after` (or just the value when there was none). */
function changes(before: unknown, after: unknown): Array<[string, string | undefined, string]> {
  const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x)
  if (!isRecord(before) && !isRecord(after)) {
    if (before === null && after === null) return []
    return [[t('after'), before === null ? undefined : show(before), show(after)]]
  }
  const b = isRecord(before) ? before : {}
  const a = isRecord(after) ? after : {}
  return [...new Set([...Object.keys(b), ...Object.keys(a)])].map((k) => [k, isRecord(before) ? show(b[k]) : undefined, show(a[k])])
}

/** The journal with filters kept in the URL, keyset paging, CSV export and the chain check. */
export function JournalPage() {
  const location = useLocation()
  const filters: Filters = Object.fromEntries(FILTERS.map((k) => [k, location.query[k]]).filter(([, v]) => v))
  const apiQuery = { from: toInstant(filters.from), to: toInstant(filters.to, true), user: filters.user, action: filters.action, project: filters.project }
  const key = JSON.stringify(apiQuery)
  const [entries, setEntries] = useState<JournalEntry[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const page = useResource(() => call(ENDPOINTS.journal, { query: apiQuery }), [key])
  useEffect(() => {
    if (page.data) {
      setEntries(page.data.entries)
      setCursor(page.data.next_cursor)
    }
  }, [page.data])
  const verify = useResource(() => call(ENDPOINTS.verifyJournal))
  const [draft, setDraft] = useState<Filters>(filters)
  const [more, setMore] = useState<string>()

  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('journal_title')}</h1>
          <p class="lead">{t('journal_lead')}</p>
        </div>
        <a class="btn" href={endpointUrl(ENDPOINTS.exportJournal, { query: apiQuery })} download>{t('export_csv')}</a>
      </div>
      <div class="verify" aria-live="polite">
        {verify.loading ? <Loading label={t('verifying')} />
          : verify.error ? <Alert kind="error">{errorText(verify.error)}</Alert>
          : verify.data!.ok ? <Alert kind="success">{t('verify_ok', { n: verify.data!.checked })}</Alert>
          : <Alert kind="error">{t('verify_bad', { n: verify.data!.problems.length })} {verify.data!.problems.slice(0, 3).map((p) => `#${p.seq}: ${p.reason}`).join('; ')}</Alert>}
      </div>
      <form
        class="filters"
        role="search"
        aria-label={t('filters')}
        onSubmit={(e) => {
          e.preventDefault()
          const q = new URLSearchParams(Object.entries(draft).filter(([, v]) => v) as Array<[string, string]>)
          location.route(`/dashboard/journal${q.toString() ? `?${q}` : ''}`)
        }}
      >
        <label>{t('filter_from')}<input type="date" value={draft.from ?? ''} onInput={(e) => setDraft({ ...draft, from: (e.currentTarget as HTMLInputElement).value })} /></label>
        <label>{t('filter_to')}<input type="date" value={draft.to ?? ''} onInput={(e) => setDraft({ ...draft, to: (e.currentTarget as HTMLInputElement).value })} /></label>
        <label>{t('filter_user')}<input type="email" value={draft.user ?? ''} onInput={(e) => setDraft({ ...draft, user: (e.currentTarget as HTMLInputElement).value })} /></label>
        <label>{t('filter_action')}
          <select value={draft.action ?? ''} onChange={(e) => setDraft({ ...draft, action: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('any')}</option>
            {JOURNAL_ACTIONS.map((a) => <option key={a} value={a}>{t(`action_${a}`)}</option>)}
          </select>
        </label>
        <label>{t('filter_project')}
          <select value={draft.project ?? ''} onChange={(e) => setDraft({ ...draft, project: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">{t('any')}</option>
            {me.value!.projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
          </select>
        </label>
        <div class="filter-actions">
          <button class="btn btn-primary" type="submit">{t('apply')}</button>
          <a class="btn" href="/dashboard/journal" onClick={() => setDraft({})}>{t('reset_filters')}</a>
        </div>
      </form>
      {page.loading && entries.length === 0 ? <Loading />
        : page.error ? <ErrorState message={errorText(page.error)} onRetry={page.reload} />
        : entries.length === 0 ? <Empty title={t('journal_empty_title')} text={t('journal_empty')} />
        : (
          <>
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t('journal_title')}>
              <table class="table journal">
                <caption class="sr-only">{t('journal_title')}</caption>
                <thead>
                  <tr><th scope="col">{t('col_time')}</th><th scope="col">{t('col_user')}</th><th scope="col">{t('col_action')}</th><th scope="col">{t('col_details')}</th><th scope="col">{t('col_address')}</th></tr>
                </thead>
                <tbody>
                  {entries.map((e) => (
                    <tr key={e.id}>
                      <td class="nowrap">{formatTime(e.at)}</td>
                      <td>{e.actor_email ?? t('system')}</td>
                      <th scope="row" class="action">{t(`action_${e.action}`)}</th>
                      <td class="details">
                        {e.project_id !== null && <span class="chip">{t('filter_project')} {e.project_id}</span>}
                        {e.target && <span class="chip">{e.target}</span>}
                        {changes(e.before, e.after).map(([key, before, after]) => (
                          <span class="diff" key={key}>
                            <span class="muted">{key}:</span> {before !== undefined && <><del>{before}</del> <span aria-hidden="true">→</span><span class="sr-only">{t('after')}</span> </>}<code>{after}</code>
                          </span>
                        ))}
                      </td>
                      <td><span class="mono">{e.ip}</span><span class="ua" title={e.user_agent ?? ''}>{e.user_agent}</span></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {more && <Alert kind="error">{more}</Alert>}
            {cursor && (
              <div class="actions">
                <button type="button" class="btn" onClick={async () => {
                  try {
                    const next = await call(ENDPOINTS.journal, { query: { ...apiQuery, cursor } })
                    setEntries([...entries, ...next.entries])
                    setCursor(next.next_cursor)
                  } catch (err) {
                    setMore(errorText(err))
                  }
                }}>{t('load_more')}</button>
              </div>
            )}
          </>
        )}
    </section>
  )
}
