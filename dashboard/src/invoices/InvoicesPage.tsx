import { useLocation } from 'preact-iso'
import { useEffect, useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { INVOICE_FILTERS, INVOICE_STATUSES, type InvoiceView } from '../../../protocol/schemas/dashboard/invoices.ts'
import { call } from '../api/client.ts'
import { can, me } from '../app/session.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { formatMoney } from '../payments/money.ts'
import { useResource } from '../projects/use-resource.ts'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

type Filters = Partial<Record<(typeof INVOICE_FILTERS)[number], string>>

const toInstant = (day: string | undefined, end = false) => {
  if (!day) return undefined
  const d = new Date(`${day}T00:00:00`)
  if (end) d.setDate(d.getDate() + 1)
  return d.toISOString()
}

/** The status word of an invoice, as a badge. */
export function InvoiceStatus({ status }: { status: InvoiceView['status'] }) {
  return <span class={`status status-invoice-${status}`}>{t(`invoice_status_${status}`)}</span>
}

/** Invoices: filters (status, project, period) in the URL, newest first, keyset paging. */
export function InvoicesPage() {
  const location = useLocation()
  const filters: Filters = Object.fromEntries(INVOICE_FILTERS.map((k) => [k, location.query[k]]).filter(([, v]) => v))
  const apiQuery = { ...filters, from: toInstant(filters.from), to: toInstant(filters.to, true) }
  const key = JSON.stringify(apiQuery)
  const page = useResource(() => call(ENDPOINTS.invoices, { query: apiQuery }), [key])
  const [rows, setRows] = useState<InvoiceView[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const [more, setMore] = useState<string>()
  useEffect(() => {
    if (page.data) {
      setRows(page.data.invoices)
      setCursor(page.data.next_cursor)
    }
  }, [page.data])
  const [draft, setDraft] = useState<Filters>(filters)
  const set = (k: keyof Filters) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value })
  const projects = new Map(me.value!.projects.map((p) => [p.id, p.name]))

  return (
    <section class="page invoices-page">
      <div class="page-head">
        <div>
          <h1>{t('invoices_title')}</h1>
          <p class="lead">{t('invoices_lead')}</p>
        </div>
        {can('payments.manage') && <a class="btn btn-primary" href="/dashboard/invoices/new">{t('invoice_new')}</a>}
      </div>
      <form
        class="filters invoice-filters"
        role="search"
        aria-label={t('filters')}
        onSubmit={(e) => {
          e.preventDefault()
          const q = new URLSearchParams(Object.entries(draft).filter(([, v]) => v) as Array<[string, string]>)
          location.route(`/dashboard/invoices${q.toString() ? `?${q}` : ''}`)
        }}
      >
        <label>{t('filter_from')}<input type="date" value={draft.from ?? ''} onInput={set('from')} /></label>
        <label>{t('filter_to')}<input type="date" value={draft.to ?? ''} onInput={set('to')} /></label>
        <label>{t('col_status')}
          <select value={draft.status ?? ''} onChange={set('status')}>
            <option value="">{t('any')}</option>
            {INVOICE_STATUSES.map((s) => <option key={s} value={s}>{t(`invoice_status_${s}`)}</option>)}
          </select>
        </label>
        <label>{t('filter_project')}
          <select value={draft.project ?? ''} onChange={set('project')}>
            <option value="">{t('any')}</option>
            {me.value!.projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
          </select>
        </label>
        <div class="filter-actions">
          <button class="btn btn-primary" type="submit">{t('apply')}</button>
          <a class="btn" href="/dashboard/invoices" onClick={() => setDraft({})}>{t('reset_filters')}</a>
        </div>
      </form>
      {page.loading && rows.length === 0 ? <Loading />
        : page.error ? <ErrorState message={errorText(page.error)} onRetry={page.reload} />
        : rows.length === 0 ? <Empty title={t('invoices_empty_title')} text={t('invoices_empty')} />
        : (
          <>
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t('invoices_title')}>
              <table class="table invoices">
                <caption class="sr-only">{t('invoices_title')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t('invoice_col_invoice')}</th>
                    <th scope="col">{t('invoice_col_created')}</th>
                    <th scope="col">{t('filter_project')}</th>
                    <th scope="col">{t('col_status')}</th>
                    <th scope="col" class="num">{t('invoice_amount')}</th>
                    <th scope="col">{t('invoice_col_customer')}</th>
                    <th scope="col">{t('invoice_col_expires')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.id}>
                      <th scope="row" class="truncate">
                        <a href={`/dashboard/invoices/${r.project_id}/${r.id}`}>{r.description ?? r.id}</a>
                        <br /><span class="muted">{r.reusable ? `${t('invoice_reusable')}, ${t('invoice_paid_times', { count: r.paid_count })}` : t('invoice_single')}</span>
                      </th>
                      <td class="nowrap">{formatTime(r.created_at)}</td>
                      <td>{projects.get(r.project_id) ?? r.project_id}</td>
                      <td><InvoiceStatus status={r.status} /></td>
                      <td class="num nowrap">{formatMoney(r.amount, r.currency)}</td>
                      <td class="truncate">{r.customer_email ?? r.customer_phone ?? '—'}</td>
                      <td>{r.expires_at ? formatTime(r.expires_at) : t('invoice_never')}</td>
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
                    const next = await call(ENDPOINTS.invoices, { query: { ...apiQuery, cursor } })
                    setRows([...rows, ...next.invoices])
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
