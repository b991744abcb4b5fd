import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { PaymentDetail } from '../../../protocol/schemas/dashboard/payments.ts'
import { call } from '../api/client.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { useResource } from '../projects/use-resource.ts'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { ActionPanel } from './ActionPanel.tsx'
import { formatMoney } from './money.ts'
import { opKey, statusKey } from './status-keys.ts'

/** One payment: what happened to it, what it holds, its callbacks, and what may be done now. */
export function PaymentPage({ project, id }: { project: string; id: string }) {
  const detail = useResource(() => call(ENDPOINTS.payment, { params: { project, payment: id } }), [project, id])
  const [notice, setNotice] = useState<{ kind: 'success' | 'error'; text: () => string }>()
  if (detail.loading && !detail.data) return <section class="page"><Loading /></section>
  if (detail.error) return <section class="page"><ErrorState message={errorText(detail.error)} onRetry={detail.reload} /></section>
  const d = detail.data!
  const p = d.payment
  const money = (n: number) => formatMoney(n, p.currency)
  return (
    <section class="page payment-page">
      <p class="crumbs no-print"><a href="/dashboard/payments">{t('payments_title')}</a> / {p.payment_id}</p>
      <div class="page-head">
        <div>
          <h1>{t('payment_title', { id: p.payment_id })} {p.test ? <span class="badge badge-test">{t('test')}</span> : <span class="badge badge-live">{t('live')}</span>}</h1>
          <p class="lead"><span class={`status status-${p.status.replace(/ /g, '-')}`}>{t(statusKey(p.status))}</span> · {money(p.amount)} · {d.project_name} · {formatTime(p.created_at)}</p>
        </div>
        <button type="button" class="btn no-print" onClick={() => window.print()}>{t('print')}</button>
      </div>
      {notice && <Alert kind={notice.kind}>{notice.text()}</Alert>}
      <dl class="totals">
        <div><dt>{t('total_authorised')}</dt><dd>{money(d.totals.authorised)}</dd></div>
        <div><dt>{t('total_captured')}</dt><dd>{money(d.totals.captured)}</dd></div>
        <div><dt>{t('total_refunded')}</dt><dd>{money(d.totals.refunded)}</dd></div>
        <div><dt>{t('total_remaining')}</dt><dd>{money(d.totals.refundable)}</dd></div>
      </dl>
      <ActionPanel detail={d} onDone={(message) => {
        setNotice({ kind: 'success', text: message })
        detail.reload()
      }} />
      <div class="grid-2 facts">
        <section class="panel">
          <h2>{t('payment_facts')}</h2>
          <dl class="facts-list">
            <dt>{t('col_method')}</dt><dd>{p.method === 'card' ? t('pay_method_card') : p.method ?? '—'} · {t(d.operation_type === 'auth' ? 'two_stage' : 'one_stage')}</dd>
            <dt>{t('pcol_card')}</dt><dd class="mono">{p.card_mask ?? '—'} {p.card_brand && <span class="chip">{p.card_brand}</span>}</dd>
            <dt>{t('three_ds')}</dt><dd>{t(`three_ds_${d.three_ds}`)}</dd>
            <dt>{t('pcol_customer')}</dt><dd>{p.customer_id ?? '—'}{p.customer_email && <><br />{p.customer_email}</>}</dd>
            <dt>{t('pcol_description')}</dt><dd>{p.description ?? '—'}</dd>
            <dt>{t('epay_id')}</dt><dd class="mono">{p.id}</dd>
          </dl>
        </section>
        <section class="panel">
          <h2>{t('timeline')}</h2>
          <ol class="timeline">
            {d.operations.map((o) => (
              <li key={o.id} class={`op op-${o.status.replace(/ /g, '-')}`}>
                <span class="op-head"><strong>{t(opKey(o.type))}</strong> {money(o.amount)} <span class={`status status-${o.status.replace(/ /g, '-')}`}>{t(o.status === 'success' ? 'op_status_success' : statusKey(o.status))}</span></span>
                <span class="muted">{formatTime(o.created_at)} · #{o.id}{o.code !== null && <> · {t('code')} {o.code}</>}{o.message && <> · {o.message}</>}</span>
              </li>
            ))}
          </ol>
        </section>
      </div>
      <section class="panel">
        <h2>{t('callbacks')}</h2>
        {d.callbacks.length === 0 ? <p class="muted">{t('callbacks_none')}</p> : (
          <div class="table-wrap" tabIndex={0} role="region" aria-label={t('callbacks')}>
            <table class="table">
              <thead><tr><th scope="col">{t('operation')}</th><th scope="col">{t('col_status')}</th><th scope="col">{t('attempts')}</th><th scope="col">{t('last_answer')}</th><th scope="col">{t('next_try')}</th><th scope="col"><span class="sr-only">{t('actions')}</span></th></tr></thead>
              <tbody>
                {d.callbacks.map((c) => (
                  <tr key={c.id}>
                    <th scope="row" class="mono">#{c.operation_id}</th>
                    <td>{t(`cb_${c.status}`)}</td>
                    <td>{c.attempts}</td>
                    <td>{c.last_status ?? '—'}{c.last_error && <span class="muted"> {c.last_error}</span>}</td>
                    <td>{c.next_attempt_at ? formatTime(c.next_attempt_at) : '—'}</td>
                    <td>{d.actions.resend && (
                      <button type="button" class="btn btn-small no-print" onClick={async () => {
                        try {
                          await call(ENDPOINTS.resendCallback, { params: { project, payment: id, callback: c.id } })
                          setNotice({ kind: 'success', text: () => t('resent') })
                          detail.reload()
                        } catch (err) {
                          setNotice({ kind: 'error', text: () => errorText(err) })
                        }
                      }}>{t('resend_now')}</button>
                    )}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <details class="panel raw no-print">
        <summary>{t('raw_status')}</summary>
        <pre class="code">{JSON.stringify(d.raw_status, null, 2)}</pre>
      </details>
    </section>
  )
}

export type { PaymentDetail }
