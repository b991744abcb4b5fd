import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { InvoiceDetail } from '../../../protocol/schemas/dashboard/invoices.ts'
import { call } from '../api/client.ts'
import { formatTime, language, t } from '../i18n/i18n.ts'
import { formatMoney } from '../payments/money.ts'
import { statusKey } from '../payments/status-keys.ts'
import { useResource } from '../projects/use-resource.ts'
import { CopyButton } from '../ui/CopyButton.tsx'
import { Alert, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { InvoiceStatus } from './InvoicesPage.tsx'

/** One invoice: its facts, the link (copy, QR code, send by email), cancel, and the payments made from it. */
export function InvoicePage({ project, id }: { project: string; id: string }) {
  const res = useResource(() => call(ENDPOINTS.invoice, { params: { project, invoice: id } }), [project, id])
  // A function, so the notice follows a change of language like the rest of the screen.
  const [notice, setNotice] = useState<() => string>()
  if (res.loading && !res.data) return <section class="page"><Loading /></section>
  if (res.error || !res.data) return <section class="page"><ErrorState message={errorText(res.error)} onRetry={res.reload} /></section>
  const detail = res.data
  const { invoice } = detail
  const update = (next: InvoiceDetail['invoice'], message: () => string) => {
    res.setData({ ...detail, invoice: next, actions: { cancel: next.status === 'active' && detail.actions.cancel, send: next.status === 'active' && detail.actions.send } })
    setNotice(() => message)
  }

  return (
    <section class="page invoice-page">
      <p><a href="/dashboard/invoices">← {t('invoice_back')}</a></p>
      <h1>{formatMoney(invoice.amount, invoice.currency)} <InvoiceStatus status={invoice.status} /></h1>
      <p class="lead">{invoice.description ?? invoice.id}</p>
      {notice && <Alert kind="success">{notice()}</Alert>}
      <div class="invoice-grid">
        <section class="panel facts" aria-labelledby="invoice-facts">
          <h2 id="invoice-facts">{t('invoice_facts')}</h2>
          <dl class="facts-list">
            <dt>{t('filter_project')}</dt><dd>{detail.project_name}</dd>
            <dt>{t('invoice_col_invoice')}</dt><dd class="mono">{invoice.id}</dd>
            <dt>{t('invoice_col_kind')}</dt><dd>{invoice.reusable ? `${t('invoice_reusable')}, ${t('invoice_paid_times', { count: invoice.paid_count })}` : t('invoice_single')}</dd>
            <dt>{t('invoice_col_customer')}</dt><dd>{[invoice.customer_email, invoice.customer_phone].filter(Boolean).join(', ') || '—'}</dd>
            <dt>{t('invoice_created_at')}</dt><dd>{formatTime(invoice.created_at)}</dd>
            <dt>{t('invoice_col_expires')}</dt><dd>{invoice.expires_at ? formatTime(invoice.expires_at) : t('invoice_never')}</dd>
            {invoice.paid_at && <><dt>{t('invoice_status_paid')}</dt><dd>{formatTime(invoice.paid_at)}</dd></>}
          </dl>
        </section>
        <section class="panel" aria-labelledby="invoice-link">
          <h2 id="invoice-link">{t('invoice_link')}</h2>
          <p class="link-text mono">{invoice.url}</p>
          <div class="qr-row">
            <img class="qr" width="160" height="160" alt={t('invoice_qr_alt')} src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(detail.qr_svg)}`} />
            <div>
              <CopyButton class="btn" text={invoice.url} label={t('invoice_copy_link')} />
              <p class="hint">{t('invoice_qr_hint')}</p>
            </div>
          </div>
          {invoice.last_sent_to && invoice.last_sent_at && <p class="muted">{t('invoice_last_sent', { email: invoice.last_sent_to, time: formatTime(invoice.last_sent_at) })}</p>}
          {detail.actions.send && <SendForm detail={detail} onSent={(next, to) => update(next, () => t('invoice_sent', { email: to }))} />}
        </section>
      </div>
      {detail.actions.cancel && <CancelPanel detail={detail} onCancelled={(next) => update(next, () => t('invoice_cancelled_done'))} />}
      <section class="panel" aria-labelledby="invoice-payments">
        <h2 id="invoice-payments">{t('invoice_payments')}</h2>
        {detail.payments.length === 0 ? <p class="muted">{t('invoice_payments_empty')}</p> : (
          <div class="table-wrap" tabIndex={0} role="region" aria-labelledby="invoice-payments">
            <table class="table invoice-payments">
              <thead>
                <tr><th scope="col">{t('pcol_payment_id')}</th><th scope="col">{t('pcol_created_at')}</th><th scope="col">{t('col_status')}</th><th scope="col" class="num">{t('pcol_amount')}</th><th scope="col">{t('pcol_card')}</th></tr>
              </thead>
              <tbody>
                {detail.payments.map((p) => (
                  <tr key={p.id}>
                    <th scope="row"><a href={`/dashboard/payments/${p.project_id}/${p.id}`}>{p.payment_id}</a>{p.id === invoice.paid_payment && <span class="badge">{t('invoice_paid_by')}</span>}</th>
                    <td class="nowrap">{formatTime(p.created_at)}</td>
                    <td><span class={`status status-${p.status.replace(/ /g, '-')}`}>{t(statusKey(p.status))}</span></td>
                    <td class="num nowrap">{formatMoney(p.amount, p.currency)}</td>
                    <td class="mono nowrap">{p.card_mask ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </section>
  )
}

function SendForm({ detail, onSent }: { detail: InvoiceDetail; onSent: (next: InvoiceDetail['invoice'], to: string) => void }) {
  const [email, setEmail] = useState(detail.invoice.customer_email ?? '')
  const [lang, setLang] = useState(language.value)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  return (
    <form class="send-form" aria-label={t('invoice_send')} onSubmit={async (e) => {
      e.preventDefault()
      setBusy(true)
      setError(undefined)
      try {
        const next = await call(ENDPOINTS.sendInvoice, { params: { project: detail.invoice.project_id, invoice: detail.invoice.id }, body: { language: lang, ...(email.trim() ? { email: email.trim() } : {}) } })
        onSent(next, next.last_sent_to ?? email)
      } catch (err) {
        setError(errorText(err))
      } finally {
        setBusy(false)
      }
    }}>
      <h3>{t('invoice_send')}</h3>
      {error && <Alert kind="error">{error}</Alert>}
      <div class="send-fields">
        <label class="field">{t('invoice_send_to')}
          <input type="email" name="email" required value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
        </label>
        <label class="field">{t('invoice_send_language')}
          <select value={lang} onChange={(e) => setLang((e.currentTarget as HTMLSelectElement).value as 'en' | 'ru')}>
            <option value="en">{t('lang_en')}</option>
            <option value="ru">{t('lang_ru')}</option>
          </select>
        </label>
      </div>
      <button class="btn btn-primary" type="submit" disabled={busy}>{busy ? t('invoice_sending') : t('invoice_send_button')}</button>
    </form>
  )
}

function CancelPanel({ detail, onCancelled }: { detail: InvoiceDetail; onCancelled: (next: InvoiceDetail['invoice']) => void }) {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  return (
    <section class="panel" aria-label={t('invoice_cancel')}>
      {error && <Alert kind="error">{error}</Alert>}
      {!asking ? <button type="button" class="btn btn-danger" onClick={() => setAsking(true)}>{t('invoice_cancel')}</button> : (
        <div class="confirm" role="group" aria-label={t('invoice_cancel')}>
          <p>{t('invoice_cancel_confirm')}</p>
          <div class="actions">
            <button type="button" class="btn btn-danger" disabled={busy} onClick={async () => {
              setBusy(true)
              try {
                onCancelled(await call(ENDPOINTS.cancelInvoice, { params: { project: detail.invoice.project_id, invoice: detail.invoice.id } }))
              } catch (err) {
                setError(errorText(err))
                setBusy(false)
              }
            }}>{t('invoice_cancel_yes')}</button>
            <button type="button" class="btn" onClick={() => setAsking(false)}>{t('invoice_keep')}</button>
          </div>
        </div>
      )}
    </section>
  )
}
