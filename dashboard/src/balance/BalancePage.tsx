import { useLocation } from 'preact-iso'
import { useEffect, useState } from 'preact/hooks'
import { CURRENCY_EXPONENTS } from '../../../protocol/money.ts'
import { PAYOUT_FILTERS, type PayoutResult, type PayoutRow } from '../../../protocol/schemas/dashboard/balance.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PAYMENT_STATUSES } from '../../../protocol/schemas/statuses.ts'
import { call } from '../api/client.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { formatMoney } from '../payments/money.ts'
import { statusKey } from '../payments/status-keys.ts'
import { useResource } from '../projects/use-resource.ts'
import { errorText } from '../ui/error-text.ts'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { PayoutForm } from './PayoutForm.tsx'

type Filters = Partial<Record<(typeof PAYOUT_FILTERS)[number], string>>

/** The 3028 decline in the reader's language; other results as the provider worded them. */
export function payoutOutcome(op: { status: string; code: string | null; message: string | null }): string {
  if (op.code === '3028') return t('payout_insufficient')
  if (op.status === 'success') return t('payout_done')
  if (op.status === 'processing') return t('payout_processing')
  return t('action_declined', { message: op.message ?? op.status })
}

/**
 * Balance and payouts (SPEC §14): each project's balance per currency from the ledger, the
 * commission kept, a payout request for those who may move money, and the payouts with their
 * statuses (filters in the URL).
 */
export function BalancePage() {
  const location = useLocation()
  const filters: Filters = Object.fromEntries(PAYOUT_FILTERS.map((k) => [k, location.query[k]]).filter(([, v]) => v))
  const key = JSON.stringify(filters)
  const balance = useResource(() => call(ENDPOINTS.balance))
  const list = useResource(() => call(ENDPOINTS.payouts, { query: filters }), [key])
  const [rows, setRows] = useState<PayoutRow[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [more, setMore] = useState<string>()
  const [outcome, setOutcome] = useState<PayoutResult>()
  const [draft, setDraft] = useState<Filters>(filters)
  useEffect(() => {
    if (list.data) {
      setRows(list.data.payouts)
      setCursor(list.data.next_cursor)
    }
  }, [list.data])
  const view = balance.data
  const names = new Map(view?.projects.map((p) => [p.id, p.name]) ?? [])
  const set = (name: keyof Filters) => (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLSelectElement).value })
  const rate = (bps: number) => `${(bps / 100).toFixed(2)} %`

  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('balance_title')}</h1>
          <p class="lead">{t('balance_lead')}</p>
        </div>
      </div>
      {balance.loading ? <Loading />
        : balance.error ? <ErrorState message={errorText(balance.error)} onRetry={balance.reload} />
        : view!.balances.length === 0 ? <Empty title={t('balance_empty_title')} text={t('balance_empty')} />
        : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('balance_table')}>
            <table class="table balances">
              <caption class="sr-only">{t('balance_table')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('filter_project')}</th><th scope="col">{t('currency')}</th>
                  <th scope="col" class="num">{t('balance_available')}</th><th scope="col" class="num">{t('balance_commission')}</th>
                  <th scope="col" class="num">{t('balance_in_flight')}</th><th scope="col" class="num">{t('balance_paid_out')}</th>
                </tr>
              </thead>
              <tbody>
                {view!.balances.map((b) => (
                  <tr key={`${b.project_id}-${b.currency}`}>
                    <th scope="row">{b.project_name} <span class="muted rate">{t('balance_rate', { rate: rate(view!.projects.find((p) => p.id === b.project_id)?.commission_bps ?? 0) })}</span></th>
                    <td>{b.currency}</td>
                    <td class="num nowrap"><strong>{formatMoney(b.available, b.currency)}</strong></td>
                    <td class="num nowrap">{formatMoney(b.commission, b.currency)}</td>
                    <td class="num nowrap">{formatMoney(b.in_flight, b.currency)}</td>
                    <td class="num nowrap">{formatMoney(b.paid_out, b.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <p class="hint">{t('balance_commission_hint')}</p>
      {outcome && (
        <Alert kind={outcome.operation.status === 'decline' ? 'error' : 'success'}>
          {t('payout_result', { id: outcome.payment_id })} {payoutOutcome(outcome.operation)}
        </Alert>
      )}
      {view?.can_pay_out && view.projects.length > 0 && (
        <PayoutForm view={view} onDone={(result) => {
          setOutcome(result)
          balance.reload()
          list.reload()
        }} />
      )}
      <h2>{t('payouts_title')}</h2>
      <form class="filters payout-filters" role="search" aria-label={t('filters')} onSubmit={(e) => {
        e.preventDefault()
        const q = new URLSearchParams(Object.entries(draft).filter(([, v]) => v) as Array<[string, string]>)
        location.route(`/dashboard/balance${q.toString() ? `?${q}` : ''}`)
      }}>
        <label>{t('filter_project')}
          <select value={draft.project ?? ''} onChange={set('project')}>
            <option value="">{t('any')}</option>
            {view?.projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
          </select>
        </label>
        <label>{t('col_status')}
          <select value={draft.status ?? ''} onChange={set('status')}>
            <option value="">{t('any')}</option>
            {(['processing', 'success', 'decline', 'error'] as const).filter((s) => (PAYMENT_STATUSES as readonly string[]).includes(s)).map((s) => <option key={s} value={s}>{t(statusKey(s))}</option>)}
          </select>
        </label>
        <label>{t('currency')}
          <select value={draft.currency ?? ''} onChange={set('currency')}>
            <option value="">{t('any')}</option>
            {Object.keys(CURRENCY_EXPONENTS).map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <div class="filter-actions">
          <button class="btn btn-primary" type="submit">{t('apply')}</button>
        </div>
      </form>
      {list.loading ? <Loading />
        : list.error ? <ErrorState message={errorText(list.error)} onRetry={list.reload} />
        : rows.length === 0 ? <Empty title={t('payouts_empty_title')} text={t('payouts_empty')} />
        : (
          <>
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t('payouts_title')}>
              <table class="table payouts">
                <caption class="sr-only">{t('payouts_title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('pcol_created_at')}</th><th scope="col">{t('pcol_payment_id')}</th><th scope="col">{t('filter_project')}</th>
                    <th scope="col">{t('col_status')}</th><th scope="col" class="num">{t('pcol_amount')}</th><th scope="col">{t('payout_destination')}</th><th scope="col">{t('payout_outcome')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <td class="nowrap">{formatTime(r.created_at)}</td>
                      <th scope="row"><a href={`/dashboard/payments/${r.project_id}/${r.id}`}>{r.payment_id}</a></th>
                      <td>{names.get(r.project_id) ?? r.project_id}</td>
                      <td><span class={`status status-${r.status.replace(/ /g, '-')}`}>{t(statusKey(r.status))}</span></td>
                      <td class="num nowrap">{formatMoney(r.amount, r.currency)}</td>
                      <td>{r.method === 'jeton' ? t('payout_kind_wallet') : t('payout_kind_card')} <span class="muted">{r.destination ?? ''}</span></td>
                      <td>{r.code === null ? '' : `${r.code} · ${r.code === '3028' ? t('payout_short_3028') : r.code === '0' ? t('payout_short_done') : (r.message ?? '')}`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {more && <Alert kind="error">{more}</Alert>}
            {cursor && (
              <button type="button" class="btn" onClick={async () => {
                try {
                  const next = await call(ENDPOINTS.payouts, { query: { ...filters, cursor } })
                  setRows([...rows, ...next.payouts])
                  setCursor(next.next_cursor)
                  setMore(undefined)
                } catch (err) {
                  setMore(errorText(err))
                }
              }}>{t('load_more')}</button>
            )}
          </>
        )}
    </section>
  )
}
