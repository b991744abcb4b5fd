import { lazy, useLocation } from 'preact-iso'
import { useMemo, useState } from 'preact/hooks'
import { CURRENCY_EXPONENTS, isCurrency } from '../../../protocol/money.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { GRANULARITIES, HOME_MODES, type HomeFigures } from '../../../protocol/schemas/dashboard/home.ts'
import { PAGE_METHODS } from '../../../protocol/schemas/page-api.ts'
import { call } from '../api/client.ts'
import { me } from '../app/session.ts'
import { language, t, type MessageKey } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { localDay } from '../ui/local-day.ts'

// uPlot comes in its own chunk, after the figures: they are readable before the chart arrives.
const HomeChart = lazy(() => import('./HomeChart.tsx').then((m) => m.HomeChart))

const FILTERS = ['from', 'to', 'granularity', 'currency', 'project', 'method', 'country', 'mode', 'chart', 'measure'] as const
type Filters = Partial<Record<(typeof FILTERS)[number], string>>

const locale = () => (language.value === 'ru' ? 'ru-RU' : 'en-GB')

/** Minor units as money of their currency (display only; the figures stay integers). */
export function formatMoney(minor: number, currency: string | null): string {
  if (!currency || !isCurrency(currency)) return String(minor)
  const exponent = CURRENCY_EXPONENTS[currency]
  return new Intl.NumberFormat(locale(), { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(minor / 10 ** exponent)
}

const formatDay = (day: string) => new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${day}T00:00:00Z`))
const formatCount = (n: number) => new Intl.NumberFormat(locale()).format(n)
/** A country's name in the interface language, from its ISO code; `null` is an unknown country. */
function countryName(code: string | null): string {
  if (code === null) return t('home_country_unknown')
  try {
    return new Intl.DisplayNames([locale()], { type: 'region' }).of(code) ?? code
  } catch {
    return code
  }
}
const percent = (part: number, whole: number) => (whole === 0 ? '—' : new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(part / whole))

/** Change against the previous period, as a signed percentage, or nothing when there is no base. */
function delta(now: number, before: number): string | undefined {
  if (before === 0) return undefined
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format((now - before) / before)
}

/** The home screen: figures for a period, currency, project and method (all in the URL), a chart and decline reasons. */
export function HomePage() {
  const location = useLocation()
  const today = new Date()
  const defaults: Required<Pick<Filters, 'from' | 'to' | 'granularity' | 'chart' | 'measure'>> = {
    from: localDay(new Date(today.getFullYear(), today.getMonth(), today.getDate() - 29)), to: localDay(today), granularity: 'day', chart: 'line', measure: 'sum',
  }
  const filters: Filters = { ...defaults, ...Object.fromEntries(FILTERS.map((k) => [k, location.query[k]]).filter(([, v]) => v)) }
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
  const apiQuery = {
    from: filters.from, to: filters.to, tz, granularity: filters.granularity, currency: filters.currency, project: filters.project,
    method: filters.method, country: filters.country, mode: filters.mode,
  }
  const key = JSON.stringify(apiQuery)
  const home = useResource(() => call(ENDPOINTS.home, { query: apiQuery }), [key])
  const [draft, setDraft] = useState<Filters>(filters)

  const go = (next: Filters) => {
    const q = new URLSearchParams(Object.entries(next).filter(([k, v]) => v && v !== (defaults as Filters)[k as keyof Filters]) as Array<[string, string]>)
    location.route(`/dashboard/home${q.toString() ? `?${q}` : ''}`)
  }
  const set = (name: keyof Filters) => (e: Event) => setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value })
  const data = home.data
  const currency = data?.currency ?? null
  const money = useMemo(() => (v: number) => formatMoney(v, currency), [currency, language.value])
  const count = useMemo(() => (v: number) => formatCount(v), [language.value])
  const formatBucket = useMemo(() => (bucket: string) => {
    const d = new Date(`${bucket}:00Z`)
    const options: Intl.DateTimeFormatOptions = filters.granularity === 'hour' ? { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone: 'UTC' }
      : filters.granularity === 'month' ? { month: 'short', year: 'numeric', timeZone: 'UTC' } : { day: 'numeric', month: 'short', timeZone: 'UTC' }
    return new Intl.DateTimeFormat(locale(), options).format(d)
  }, [filters.granularity, language.value])
  const bySum = filters.measure !== 'count'

  return (
    <section class="page home">
      <div class="page-head">
        <div>
          <h1>{t('home_title')}</h1>
          <p class="lead">{t('home_lead', { tz })}</p>
        </div>
      </div>
      <form class="filters home-filters" role="search" aria-label={t('filters')} onSubmit={(e) => {
        e.preventDefault()
        go(draft)
      }}>
        <label>{t('filter_from')}<input type="date" required value={draft.from} onInput={set('from')} /></label>
        <label>{t('filter_to')}<input type="date" required value={draft.to} onInput={set('to')} /></label>
        <label>{t('home_granularity')}
          <select value={draft.granularity} onChange={set('granularity')}>
            {GRANULARITIES.map((g) => <option key={g} value={g}>{t(`home_by_${g}` as MessageKey)}</option>)}
          </select>
        </label>
        <label>{t('home_currency')}
          <select value={draft.currency ?? ''} onChange={set('currency')}>
            <option value="">{t('home_currency_auto')}</option>
            {[...new Set([...(data?.currencies ?? []), ...(filters.currency ? [filters.currency] : [])])].map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </label>
        <label>{t('filter_project')}
          <select value={draft.project ?? ''} onChange={set('project')}>
            <option value="">{t('home_all_projects')}</option>
            {me.value!.projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
          </select>
        </label>
        <label>{t('home_method')}
          <select value={draft.method ?? ''} onChange={set('method')}>
            <option value="">{t('any')}</option>
            {PAGE_METHODS.map((m) => <option key={m} value={m}>{t(`home_method_${m}` as MessageKey)}</option>)}
          </select>
        </label>
        <label>{t('home_country')}
          <select value={draft.country ?? ''} onChange={set('country')}>
            <option value="">{t('any')}</option>
            {[...new Set([...(data?.countries ?? []).flatMap((c) => (c.country ? [c.country] : [])), ...(filters.country ? [filters.country] : [])])]
              .map((c) => <option key={c} value={c}>{countryName(c)}</option>)}
          </select>
        </label>
        <label>{t('home_mode')}
          <select value={draft.mode ?? data?.mode ?? ''} onChange={set('mode')}>
            {HOME_MODES.map((m) => <option key={m} value={m}>{t(`home_mode_${m}` as MessageKey)}</option>)}
          </select>
        </label>
        <div class="filter-actions">
          <button class="btn btn-primary" type="submit">{t('apply')}</button>
        </div>
      </form>

      {home.loading && !data ? <Loading />
        : home.error ? <ErrorState message={errorText(home.error)} onRetry={home.reload} />
        : !data || !data.currency ? <Empty title={t('home_empty_title')} text={t('home_empty')} />
        : (
          <>
            <p class="muted home-compare">
              <span class={`badge ${data.mode === 'test' ? 'badge-test' : 'badge-live'}`}>{t(`home_mode_${data.mode}` as MessageKey)}</span>{' '}
              {t('home_compared', { from: formatDay(data.previous_from), to: formatDay(data.previous_to), currency: data.currency })}
            </p>
            <ul class="kpis" aria-label={t('home_figures')}>
              <Kpi label={t('home_paid')} value={money(data.current.paid_sum)} sub={t('home_payments_n', { n: formatCount(data.current.paid_count) })} change={delta(data.current.paid_sum, data.previous.paid_sum)} />
              <Kpi label={t('home_refunds')} value={money(data.current.refund_sum)} sub={t('home_operations_n', { n: formatCount(data.current.refund_count) })} change={delta(data.current.refund_sum, data.previous.refund_sum)} />
              <Kpi label={t('home_payouts')} value={money(data.current.payout_sum)} sub={t('home_operations_n', { n: formatCount(data.current.payout_count) })} change={delta(data.current.payout_sum, data.previous.payout_sum)} />
              <Kpi label={t('home_conversion')} value={percent(data.current.converted, data.current.opened)} sub={t('home_conversion_of', { paid: formatCount(data.current.converted), opened: formatCount(data.current.opened) })} change={undefined} />
              <Kpi label={t('home_average')} value={money(data.current.average_ticket)} sub={prevText(data.previous, money)} change={delta(data.current.average_ticket, data.previous.average_ticket)} />
            </ul>
            <div class="panel">
              <div class="chart-head">
                <h2>{bySum ? t('home_chart_sum') : t('home_chart_count')}</h2>
                <div class="segmented" role="group" aria-label={t('home_measure')}>
                  <button type="button" aria-pressed={bySum} onClick={() => go({ ...filters, measure: 'sum' })}>{t('home_sum')}</button>
                  <button type="button" aria-pressed={!bySum} onClick={() => go({ ...filters, measure: 'count' })}>{t('home_count')}</button>
                </div>
                <div class="segmented" role="group" aria-label={t('home_chart_kind')}>
                  <button type="button" aria-pressed={filters.chart !== 'bars'} onClick={() => go({ ...filters, chart: 'line' })}>{t('home_line')}</button>
                  <button type="button" aria-pressed={filters.chart === 'bars'} onClick={() => go({ ...filters, chart: 'bars' })}>{t('home_bars')}</button>
                </div>
              </div>
              <HomeChart
                buckets={data.buckets}
                current={bySum ? data.series.paid_sum : data.series.paid_count}
                previous={bySum ? data.previous_series.paid_sum : data.previous_series.paid_count}
                kind={filters.chart === 'bars' ? 'bars' : 'line'}
                labels={{ current: t('home_this_period'), previous: t('home_previous_period'), bucket: t('home_bucket') }}
                format={bySum ? money : count}
                formatBucket={formatBucket}
                formatTick={filters.granularity === 'hour' ? (b) => (b.endsWith('T00:00') ? formatBucket(b).replace(/,?\s*00:00$/, '') : b.slice(11)) : formatBucket}
                title={t('home_chart_label', { from: data.buckets.length ? formatBucket(data.buckets[0]!) : '', to: data.buckets.length ? formatBucket(data.buckets.at(-1)!) : '' })}
              />
            </div>
            <div class="home-lists">
            <div class="panel">
              <h2>{t('home_countries')}</h2>
              {data.countries.length === 0 ? <p class="muted">{t('home_no_countries')}</p> : (
                <ol class="declines">
                  {data.countries.map((c) => (
                    <li key={c.country ?? '-'}>
                      <span>{countryName(c.country)} <span class="muted">{t('home_country_paid_n', { n: formatCount(c.paid_count) })}</span></span>
                      <span class="declines-count">{money(c.paid_sum)}</span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
            <div class="panel">
              <h2>{t('home_declines')}</h2>
              {data.declines.length === 0 ? <p class="muted">{t('home_no_declines')}</p> : (
                <ol class="declines">
                  {data.declines.map((d) => (
                    <li key={`${d.code}-${d.message}`}>
                      <span><span class="mono">{d.code ?? '—'}</span> {d.message ?? ''}</span>
                      <span class="declines-count">{formatCount(d.count)}</span>
                    </li>
                  ))}
                </ol>
              )}
            </div>
            </div>
          </>
        )}
    </section>
  )
}

function prevText(previous: HomeFigures, money: (v: number) => string): string {
  return t('home_previous_value', { value: money(previous.average_ticket) })
}

function Kpi({ label, value, sub, change }: { label: string; value: string; sub: string; change: string | undefined }) {
  return (
    <li class="kpi">
      <span class="kpi-label">{label}</span>
      <span class="kpi-value">{value}</span>
      <span class="kpi-sub">{sub}{change && <> · <span class="kpi-change">{t('home_vs_previous', { change })}</span></>}</span>
    </li>
  )
}
