import { useLocation } from 'preact-iso'
import { useState } from 'preact/hooks'
import { CURRENCY_EXPONENTS, type Currency } from '../../../protocol/money.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { ApiError, call } from '../api/client.ts'
import { me } from '../app/session.ts'
import { t } from '../i18n/i18n.ts'
import { parseMajor } from '../payments/money.ts'
import { Field } from '../ui/Field.tsx'
import { Alert } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

/** `datetime-local` wants local wall-clock time without a zone. */
const localInput = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16)
const WEEK_MS = 7 * 24 * 3600_000

type Draft = { project: string; amount: string; currency: Currency; description: string; email: string; phone: string; expires: string; reusable: boolean }

/**
 * A new invoice: project, amount in the currency's units, what for, the customer, until when,
 * single or reusable. The server checks everything again; its refusal names the field.
 */
export function InvoiceNewPage() {
  const location = useLocation()
  const projects = me.value!.projects
  const [draft, setDraft] = useState<Draft>({
    project: String(projects[0]?.id ?? ''), amount: '', currency: 'EUR', description: '', email: '', phone: '', expires: localInput(new Date(Date.now() + WEEK_MS)), reusable: false,
  })
  const [errors, setErrors] = useState<Partial<Record<string, string>>>({})
  const [failure, setFailure] = useState<string>()
  const [busy, setBusy] = useState(false)
  const set = (k: keyof Draft) => (e: Event) => {
    const el = e.currentTarget as HTMLInputElement
    setDraft({ ...draft, [k]: el.type === 'checkbox' ? el.checked : el.value })
  }

  const submit = async (e: Event) => {
    e.preventDefault()
    const amount = parseMajor(draft.amount, draft.currency)
    if (!amount) return setErrors({ amount: t('invoice_amount_invalid', { digits: CURRENCY_EXPONENTS[draft.currency] }) })
    setErrors({})
    setFailure(undefined)
    setBusy(true)
    try {
      const made = await call(ENDPOINTS.createInvoice, {
        params: { project: draft.project },
        body: {
          amount, currency: draft.currency, reusable: draft.reusable,
          ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
          ...(draft.email.trim() ? { customer_email: draft.email.trim() } : {}),
          ...(draft.phone.trim() ? { customer_phone: draft.phone.trim() } : {}),
          ...(draft.expires ? { expires_at: new Date(draft.expires).toISOString() } : {}),
        },
      })
      location.route(`/dashboard/invoices/${made.project_id}/${made.id}`)
    } catch (err) {
      if (err instanceof ApiError && err.code === 'validation_failed' && err.param) setErrors({ [err.param]: errorText(err) })
      else setFailure(errorText(err))
      setBusy(false)
    }
  }

  return (
    <section class="page invoice-new">
      <p><a href="/dashboard/invoices">← {t('invoice_back')}</a></p>
      <h1>{t('invoice_new')}</h1>
      <p class="lead">{t('invoice_new_lead')}</p>
      {failure && <Alert kind="error">{failure}</Alert>}
      <form class="panel form-narrow" onSubmit={submit} noValidate>
        <Field label={t('filter_project')}>
          {({ id }) => (
            <select id={id} value={draft.project} onChange={set('project')}>
              {projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
            </select>
          )}
        </Field>
        <div class="form-pair">
          <Field label={t('invoice_amount')} hint={t('invoice_amount_hint', { currency: draft.currency })} error={errors['amount']}>
            {({ id, describedBy, invalid }) => <input id={id} name="amount" inputMode="decimal" required value={draft.amount} onInput={set('amount')} aria-describedby={describedBy} aria-invalid={invalid} />}
          </Field>
          <Field label={t('currency')} error={errors['currency']}>
            {({ id }) => (
              <select id={id} value={draft.currency} onChange={set('currency')}>
                {Object.keys(CURRENCY_EXPONENTS).map((c) => <option key={c} value={c}>{c}</option>)}
              </select>
            )}
          </Field>
        </div>
        <Field label={t('invoice_description')} hint={t('invoice_description_hint')} error={errors['description']}>
          {({ id, describedBy, invalid }) => <input id={id} maxLength={1000} value={draft.description} onInput={set('description')} aria-describedby={describedBy} aria-invalid={invalid} />}
        </Field>
        <div class="form-pair">
          <Field label={t('invoice_email')} error={errors['customer_email']}>
            {({ id, describedBy, invalid }) => <input id={id} type="email" autoComplete="off" value={draft.email} onInput={set('email')} aria-describedby={describedBy} aria-invalid={invalid} />}
          </Field>
          <Field label={t('invoice_phone')} error={errors['customer_phone'] && t('invoice_phone_invalid')}>
            {({ id, describedBy, invalid }) => <input id={id} type="tel" autoComplete="off" value={draft.phone} onInput={set('phone')} aria-describedby={describedBy} aria-invalid={invalid} />}
          </Field>
        </div>
        <Field label={t('invoice_expires')} hint={t('invoice_expires_hint')} error={errors['expires_at']}>
          {({ id, describedBy, invalid }) => <input id={id} type="datetime-local" value={draft.expires} onInput={set('expires')} aria-describedby={describedBy} aria-invalid={invalid} />}
        </Field>
        <label class="check">
          <input type="checkbox" checked={draft.reusable} onChange={set('reusable')} /> {t('invoice_reusable_label')}
        </label>
        <div class="actions">
          <button class="btn btn-primary" type="submit" disabled={busy || !draft.project}>{busy ? t('invoice_creating') : t('invoice_create')}</button>
        </div>
      </form>
    </section>
  )
}
