import { useLocation } from 'preact-iso'
import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { CURRENCY_EXPONENTS } from '../../../protocol/money.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PAYMENT_COLUMNS, PAYMENT_FILTERS, type PaymentColumn, type PaymentRow } from '../../../protocol/schemas/dashboard/payments.ts'
import { OPERATION_TYPES, PAYMENT_STATUSES } from '../../../protocol/schemas/statuses.ts'
import { call } from '../api/client.ts'
import { me } from '../app/session.ts'
import { formatTime, t, type MessageKey } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { CopyButton } from '../ui/CopyButton.tsx'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { tableText } from '../ui/table-text.ts'
import { errorText } from '../ui/error-text.ts'
import { formatMoney } from './money.ts'
import { opKey, statusKey } from './status-keys.ts'
import { usePaymentExports } from './use-payment-exports.tsx'

type Filters = Partial<Record<(typeof PAYMENT_FILTERS)[number], string>>

const toInstant = (day: string | undefined, end = false) => {
  if (!day) return undefined
  const d = new Date(`${day}T00:00:00`)
  if (end) d.setDate(d.getDate() + 1)
  return d.toISOString()
}

/** The payments list: server-side filters in the URL, keyset paging, quick search, chosen columns, export. */
export function PaymentsPage() {
  const location = useLocation()
  const filters: Filters = Object.fromEntries(PAYMENT_FILTERS.map((k) => [k, location.query[k]]).filter(([, v]) => v))
  const apiQuery = { ...filters, from: toInstant(filters.from), to: toInstant(filters.to, true) }
  const key = JSON.stringify(apiQuery)
  const [rows, setRows] = useState<PaymentRow[]>([])
  const [cursor, setCursor] = useState<string | null>(null)
  const page = useResource(() => call(ENDPOINTS.payments, { query: apiQuery }), [key])
  useEffect(() => {
    if (page.data) {
      setRows(page.data.payments)
      setCursor(page.data.next_cursor)
    }
  }, [page.data])
  // Live refresh: the first page again every 30 s while the tab is shown; new payments go on top
  // and loaded ones change in place, so the rows below and the scroll position stay put.
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.hidden) return
      void call(ENDPOINTS.payments, { query: apiQuery }).then((fresh) => {
        setRows((current) => {
          const byId = new Map(fresh.payments.map((r) => [r.id, r]))
          const known = new Set(current.map((r) => r.id))
          const newest = current[0]?.created_at ?? ''
          const added = fresh.payments.filter((r) => !known.has(r.id) && r.created_at >= newest)
          return [...added, ...current.map((r) => byId.get(r.id) ?? r)]
        })
      }, () => undefined)
    }, 30_000)
    return () => clearInterval(timer)
  }, [key])
  const exports = usePaymentExports(apiQuery)
  const [draft, setDraft] = useState<Filters>(filters)
  const list = useRef<HTMLTableElement>(null)
  const [search, setSearch] = useState('')
  const [more, setMore] = useState<string>()
  const [columns, setColumns] = useState<PaymentColumn[]>(['created_at', 'payment_id', 'project', 'status', 'amount', 'method', 'card', 'customer'])
  useEffect(() => {
    void call(ENDPOINTS.paymentColumns).then((r) => setColumns(r.columns), () => undefined)
  }, [])
  const toggle = (column: PaymentColumn) => {
    const next = columns.includes(column) ? columns.filter((c) => c !== column) : PAYMENT_COLUMNS.filter((c) => c === column || columns.includes(c))
    if (next.length === 0) return
    setColumns(next)
    void call(ENDPOINTS.setPaymentColumns, { body: { columns: next } }).catch(() => undefined)
  }
  const projects = new Map(me.value!.projects.map((p) => [p.id, p.name]))
  // Quick search looks only at the rows already loaded; the filters above search the server.
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase()
    if (!needle) return rows
    return rows.filter((r) => [r.payment_id, r.id, r.customer_id, r.customer_email, r.card_mask, r.description, r.status, String(r.amount)].some((x) => x?.toLowerCase().includes(needle)))
  }, [rows, search])
  const set = (k: keyof Filters) => (e: Event) => setDraft({ ...draft, [k]: (e.currentTarget as HTMLInputElement).value })
  const input = (k: keyof Filters, label: MessageKey, extra: Record<string, string> = {}) => (
    <label>{t(label)}<input value={draft[k] ?? ''} onInput={set(k)} {...extra} /></label>
  )
  const cell = (r: PaymentRow, c: PaymentColumn) => {
    switch (c) {
      case 'created_at': return <td class="nowrap">{formatTime(r.created_at)}</td>
      case 'payment_id': return <th scope="row"><a href={`/dashboard/payments/${r.project_id}/${r.id}`}>{r.payment_id}</a>{r.test && <span class="badge badge-test">{t('test')}</span>}</th>
      case 'project': return <td>{projects.get(r.project_id) ?? r.project_id}</td>
      case 'status': return <td><span class={`status status-${r.status.replace(/ /g, '-')}`}>{t(statusKey(r.status))}</span></td>
      case 'amount': return <td class="num nowrap">{formatMoney(r.amount, r.currency)}</td>
      case 'method': return <td>{r.method ? (r.method === 'card' ? t('pay_method_card') : r.method) : '—'}</td>
      case 'card': return <td class="mono nowrap">{r.card_mask ?? '—'}{r.card_brand && <span class="muted"> {r.card_brand}</span>}</td>
      case 'customer': return <td class="truncate">{r.customer_email ?? r.customer_id ?? '—'}</td>
      case 'description': return <td class="truncate">{r.description ?? '—'}</td>
      case 'operations': return <td>{r.operation_types.map((o) => t(opKey(o))).join(', ') || '—'}</td>
    }
  }

  return (
    <section class="page payments-page">
      <div class="page-head">
        <div>
          <h1>{t('payments_title')}</h1>
          <p class="lead">{t('payments_lead')}</p>
        </div>
        <div class="row-actions no-print">
          {exports.buttons}
          <CopyButton class="btn" label={t('copy_list')} text={() => (list.current ? tableText(list.current) : '')} />
          <button type="button" class="btn" onClick={() => window.print()}>{t('print')}</button>
        </div>
      </div>
      {exports.panel}
      <form
        class="filters payment-filters no-print"
        role="search"
        aria-label={t('filters')}
        onSubmit={(e) => {
          e.preventDefault()
          const q = new URLSearchParams(Object.entries(draft).filter(([, v]) => v) as Array<[string, string]>)
          location.route(`/dashboard/payments${q.toString() ? `?${q}` : ''}`)
        }}
      >
        <label>{t('filter_from')}<input type="date" value={draft.from ?? ''} onInput={set('from')} /></label>
        <label>{t('filter_to')}<input type="date" value={draft.to ?? ''} onInput={set('to')} /></label>
        <label>{t('col_status')}
          <select value={draft.status ?? ''} onChange={set('status')}>
            <option value="">{t('any')}</option>
            {PAYMENT_STATUSES.map((s) => <option key={s} value={s}>{t(statusKey(s))}</option>)}
          </select>
        </label>
        <label>{t('filter_project')}
          <select value={draft.project ?? ''} onChange={set('project')}>
            <option value="">{t('any')}</option>
            {me.value!.projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
          </select>
        </label>
        <label>{t('col_method')}
          <select value={draft.method ?? ''} onChange={set('method')}>
            <option value="">{t('any')}</option>
            <option value="card">{t('pay_method_card')}</option>
            <option value="jeton">Jeton</option>
          </select>
        </label>
        <label>{t('currency')}
          <select value={draft.currency ?? ''} onChange={set('currency')}>
            <option value="">{t('any')}</option>
            {Object.keys(CURRENCY_EXPONENTS).map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        {input('amount_min', 'filter_amount_min', { inputMode: 'decimal' })}
        {input('amount_max', 'filter_amount_max', { inputMode: 'decimal' })}
        {input('payment', 'filter_payment')}
        {input('customer', 'filter_customer')}
        {input('first6', 'filter_first6', { inputMode: 'numeric', maxLength: '6', pattern: '\\d{6}' })}
        {input('last4', 'filter_last4', { inputMode: 'numeric', maxLength: '4', pattern: '\\d{4}' })}
        <label>{t('filter_operation')}
          <select value={draft.operation ?? ''} onChange={set('operation')}>
            <option value="">{t('any')}</option>
            {OPERATION_TYPES.map((o) => <option key={o} value={o}>{t(opKey(o))}</option>)}
          </select>
        </label>
        <label>{t('filter_mode')}
          <select value={draft.mode ?? ''} onChange={set('mode')}>
            <option value="">{t('any')}</option>
            <option value="test">{t('test')}</option>
            <option value="live">{t('live')}</option>
          </select>
        </label>
        <div class="filter-actions">
          <button class="btn btn-primary" type="submit">{t('apply')}</button>
          <a class="btn" href="/dashboard/payments" onClick={() => setDraft({})}>{t('reset_filters')}</a>
        </div>
      </form>
      <div class="list-tools no-print">
        <label class="quick-search">{t('quick_search')}
          <input type="search" value={search} placeholder={t('quick_search_hint')} onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <details class="column-chooser">
          <summary class="btn">{t('columns')}</summary>
          <fieldset>
            <legend class="sr-only">{t('columns')}</legend>
            {PAYMENT_COLUMNS.map((c) => (
              <label class="check" key={c}><input type="checkbox" checked={columns.includes(c)} onChange={() => toggle(c)} /> {t(`pcol_${c}`)}</label>
            ))}
          </fieldset>
        </details>
      </div>
      {page.loading && rows.length === 0 ? <Loading />
        : page.error ? <ErrorState message={errorText(page.error)} onRetry={page.reload} />
        : rows.length === 0 ? <Empty title={t('payments_empty_title')} text={t('payments_empty')} />
        : (
          <>
            <div class="table-wrap" tabIndex={0} role="region" aria-label={t('payments_title')}>
              <table class="table payments" ref={list}>
                <caption class="sr-only">{t('payments_title')}</caption>
                <thead>
                  <tr>{columns.map((c) => <th scope="col" key={c} class={c === 'amount' ? 'num' : undefined}>{t(`pcol_${c}`)}</th>)}</tr>
                </thead>
                <tbody>
                  {shown.map((r) => <tr key={r.id}>{columns.map((c) => cell(r, c))}</tr>)}
                </tbody>
              </table>
            </div>
            {shown.length === 0 && <p class="muted">{t('quick_search_none')}</p>}
            {more && <Alert kind="error">{more}</Alert>}
            {cursor && (
              <div class="actions no-print">
                <button type="button" class="btn" onClick={async () => {
                  try {
                    const next = await call(ENDPOINTS.payments, { query: { ...apiQuery, cursor } })
                    setRows([...rows, ...next.payments])
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
