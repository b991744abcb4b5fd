import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { REPORT_FORMATS, REPORT_KINDS } from '../../../protocol/schemas/dashboard/reports.ts'
import { CADENCES, type SubscriptionBody, type SubscriptionView } from '../../../protocol/schemas/dashboard/subscriptions.ts'
import { call } from '../api/client.ts'
import { me } from '../app/session.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

type Draft = { report: string; format: string; mode: string; project: string; cadence: string; hour: string; recipients: string }

const HOURS = Array.from({ length: 24 }, (_, h) => h)
const hourText = (h: number) => `${String(h).padStart(2, '0')}:00`
/** Addresses as people type them: separated by commas, semicolons or spaces. */
const addresses = (text: string) => text.split(/[\s,;]+/).filter(Boolean)

/**
 * Report subscriptions (issue 13): a report mailed daily, weekly or monthly at an hour of the
 * user's time zone, the file attached. The user's own are listed, to pause, resume or delete.
 */
export function SubscriptionsPanel() {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
  const live = me.value!.projects.some((p) => !p.test_mode)
  const [draft, setDraft] = useState<Draft>({
    report: 'operations', format: 'csv', mode: live ? 'live' : 'test', project: '', cadence: 'daily', hour: '9', recipients: me.value!.user.email,
  })
  const list = useResource(() => call(ENDPOINTS.subscriptions))
  const [sending, setSending] = useState(false)
  const [error, setError] = useState<string>()
  const set = (name: keyof Draft) => (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value })
  const replace = (next: SubscriptionView) => list.setData({ subscriptions: list.data!.subscriptions.map((s) => (s.id === next.id ? next : s)) })

  const act = async (work: () => Promise<void>) => {
    setError(undefined)
    try {
      await work()
    } catch (err) {
      setError(errorText(err))
    }
  }

  return (
    <section class="subscriptions" aria-labelledby="subs-title">
      <h2 id="subs-title">{t('subs_title')}</h2>
      <p class="lead">{t('subs_lead', { tz })}</p>
      <form
        class="filters subs-form"
        aria-label={t('subs_new')}
        onSubmit={async (e) => {
          e.preventDefault()
          setSending(true)
          await act(async () => {
            const made = await call(ENDPOINTS.subscribe, {
              body: {
                report: draft.report as SubscriptionBody['report'], format: draft.format as SubscriptionBody['format'], mode: draft.mode as SubscriptionBody['mode'],
                cadence: draft.cadence as SubscriptionBody['cadence'], hour: Number(draft.hour), tz, recipients: addresses(draft.recipients),
                ...(draft.project ? { project: Number(draft.project) } : {}),
              },
            })
            list.setData({ subscriptions: [...(list.data?.subscriptions ?? []), made] })
          })
          setSending(false)
        }}
      >
        <label>{t('report_kind')}
          <select value={draft.report} onChange={set('report')}>
            {REPORT_KINDS.map((k) => <option key={k} value={k}>{t(`report_${k}`)}</option>)}
          </select>
        </label>
        <label>{t('subs_cadence')}
          <select value={draft.cadence} onChange={set('cadence')}>
            {CADENCES.map((c) => <option key={c} value={c}>{t(`subs_cadence_${c}`)}</option>)}
          </select>
        </label>
        <label>{t('subs_hour')}
          <select value={draft.hour} onChange={set('hour')}>
            {HOURS.map((h) => <option key={h} value={String(h)}>{hourText(h)}</option>)}
          </select>
        </label>
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
        <label class="recipients">{t('subs_recipients_field')}
          <input type="text" inputMode="email" autoComplete="off" required value={draft.recipients} onInput={set('recipients')} />
        </label>
        <div class="filter-actions">
          <button class="btn btn-primary" type="submit" disabled={sending}>{sending ? t('report_making') : t('subs_create')}</button>
        </div>
      </form>
      {error && <Alert kind="error">{error}</Alert>}
      {list.loading ? <Loading />
        : list.error ? <ErrorState message={errorText(list.error)} onRetry={list.reload} />
        : list.data!.subscriptions.length === 0 ? <Empty title={t('subs_empty_title')} text={t('subs_empty')} />
        : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('subs_list')}>
            <table class="table subs">
              <caption class="sr-only">{t('subs_list')}</caption>
              <thead>
                <tr><th scope="col">{t('report_kind')}</th><th scope="col">{t('subs_schedule')}</th><th scope="col">{t('subs_recipients')}</th><th scope="col">{t('subs_state')}</th><th scope="col">{t('subs_actions')}</th></tr>
              </thead>
              <tbody>
                {list.data!.subscriptions.map((s) => (
                  <tr key={s.id}>
                    <th scope="row">
                      {t(`report_${s.report}`)} <span class="badge">{s.format.toUpperCase()}</span> <span class={`badge badge-${s.mode}`}>{t(`mode_${s.mode}`)}</span>
                      {s.project !== null && <span class="chip">{t('filter_project')} {s.project}</span>}
                    </th>
                    <td>{t(`subs_every_${s.cadence}`, { hour: hourText(s.hour) })}<br /><span class="muted">{s.tz}</span></td>
                    <td class="break">{s.recipients.join(', ')}</td>
                    <td>
                      {s.next_run_at ? t('subs_next', { time: formatTime(s.next_run_at) }) : <span class="status status-report-queued">{t('subs_paused')}</span>}
                      {s.last_status && <><br /><span class="muted">{t('subs_last', { status: t(`report_status_${s.last_status}`) })}</span></>}
                    </td>
                    <td class="row-actions">
                      <button
                        class="btn btn-small" type="button" aria-label={t(s.active ? 'subs_pause_label' : 'subs_resume_label', { id: s.id })}
                        onClick={() => act(async () => replace(await call(ENDPOINTS.updateSubscription, { params: { subscription: s.id }, body: { active: !s.active } })))}
                      >{t(s.active ? 'subs_pause' : 'subs_resume')}</button>{' '}
                      <button
                        class="btn btn-small btn-danger" type="button" aria-label={t('subs_delete_label', { id: s.id })}
                        onClick={() => act(async () => {
                          await call(ENDPOINTS.deleteSubscription, { params: { subscription: s.id } })
                          list.setData({ subscriptions: list.data!.subscriptions.filter((x) => x.id !== s.id) })
                        })}
                      >{t('subs_delete')}</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
    </section>
  )
}
