import { useLocation } from 'preact-iso'
import type { Currency } from '../../../protocol/money.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { ProjectView } from '../../../protocol/schemas/dashboard/projects.ts'
import type { MismatchView, ReconciliationRunView } from '../../../protocol/schemas/dashboard/reconciliation.ts'
import { OPERATION_STATUSES } from '../../../protocol/schemas/statuses.ts'
import { call } from '../api/client.ts'
import { language, t } from '../i18n/i18n.ts'
import { formatMoney } from '../payments/money.ts'
import { opKey, statusKey } from '../payments/status-keys.ts'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { useResource } from './use-resource.ts'

/** A reconciled day is a UTC date: shown as a date, in UTC, so it reads the same in every zone. */
const dayText = (day: string, style: 'medium' | 'short' = 'medium') =>
  new Intl.DateTimeFormat(language.value === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: style, timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`))

// The upstream's status word is shown as the catalogue says it when it is the protocol's, as sent when not.
const statusText = (status: string) =>
  status === 'success' ? t('op_status_success') : (OPERATION_STATUSES as readonly string[]).includes(status) ? t(statusKey(status)) : status

const amountText = (amount: number | null, currency: string | null) => (amount === null || currency === null ? '' : formatMoney(amount, currency as Currency))

/**
 * The project's daily reconciliation with its upstream gateway (issue 14 item 3): the days run,
 * and for the chosen one (`?day=` in the URL) every operation on which the two sides disagree.
 */
export function ReconciliationPanel({ project }: { project: ProjectView }) {
  const location = useLocation()
  const day = location.query['day']
  const view = useResource(() => call(ENDPOINTS.reconciliation, { params: { project: project.id }, query: day ? { day } : {} }), [project.id, day])
  if (view.loading && !view.data) return <Loading />
  if (view.error || !view.data) return <ErrorState message={errorText(view.error)} onRetry={view.reload} />
  const { runs, selected, mismatches, next_day: next, reconciled } = view.data
  return (
    <div class="panel">
      <h2>{t('recon_title')}</h2>
      <p class="hint">{t('recon_lead')}</p>
      {!reconciled && <Alert kind="info">{t('recon_not_reconciled')}</Alert>}
      {reconciled && next && <p>{t('recon_next', { day: dayText(next) })}</p>}
      {runs.length === 0 ? <Empty title={t('recon_empty_title')} text={t('recon_empty')} /> : (
        <>
          <h3>{t('recon_runs')}</h3>
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('recon_runs')}>
            <table class="table">
              <thead>
                <tr><th scope="col">{t('recon_day')}</th><th scope="col">{t('recon_status')}</th><th scope="col" class="num">{t('recon_checked')}</th><th scope="col" class="num">{t('recon_mismatches')}</th></tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.day}>
                    <th scope="row">
                      <a href={`/dashboard/projects/${project.id}?tab=reconciliation&day=${r.day}`} class="nowrap" aria-current={selected?.day === r.day ? 'true' : undefined}>{dayText(r.day, 'short')}</a>
                    </th>
                    <td><span class={`status status-report-${r.status}`}>{t(`recon_status_${r.status}`)}</span></td>
                    <td class="num">{r.checked ?? ''}</td>
                    <td class="num">{r.mismatches === null ? '' : r.mismatches > 0 ? <strong class="recon-bad">{r.mismatches}</strong> : r.mismatches}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {selected && <DayResult run={selected} mismatches={mismatches} />}
    </div>
  )
}

function DayResult({ run, mismatches }: { run: ReconciliationRunView; mismatches: MismatchView[] }) {
  const title = t('recon_day_title', { day: dayText(run.day) })
  if (run.status === 'failed') return <><h3>{title}</h3><Alert kind="error">{t('recon_failed')}</Alert></>
  if (run.status !== 'done') return <><h3>{title}</h3><Alert kind="info">{t('recon_pending')}</Alert></>
  if (mismatches.length === 0) return <><h3>{title}</h3><Alert kind="success">{run.checked ? t('recon_clean', { count: run.checked }) : t('recon_clean_none')}</Alert></>
  return (
    <>
      <h3>{title}</h3>
      <Alert kind="warning">{t('recon_found', { count: mismatches.length })}</Alert>
      <div class="table-wrap" tabIndex={0} role="region" aria-label={title}>
        <table class="table recon">
          <thead>
            <tr><th scope="col">{t('recon_payment')}</th><th scope="col">{t('recon_kind')}</th><th scope="col">{t('recon_here')}</th><th scope="col">{t('recon_upstream')}</th></tr>
          </thead>
          <tbody>
            {mismatches.map((m, i) => (
              <tr key={i}>
                <th scope="row">
                  <span class="mono">{m.payment_id ?? m.upstream_payment_id}</span>
                  <span class="muted recon-op">{m.operation_type ? t(opKey(m.operation_type)) : ''} {m.operation_id ? <span class="mono">{m.operation_id}</span> : null}</span>
                </th>
                <td>{t(`recon_kind_${m.kind}`)}</td>
                <td>{m.local_status ? <>{statusText(m.local_status)} <span class="nowrap">{amountText(m.local_amount, m.currency)}</span></> : t('recon_no_record')}</td>
                <td>{m.upstream_status ? <>{statusText(m.upstream_status)} <span class="nowrap">{amountText(m.upstream_amount, m.upstream_currency ?? m.currency)}</span></> : t(m.kind === 'no_answer' ? 'recon_unknown' : 'recon_no_record')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
