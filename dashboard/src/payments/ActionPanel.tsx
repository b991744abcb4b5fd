import { useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { PaymentDetail } from '../../../protocol/schemas/dashboard/payments.ts'
import { call } from '../api/client.ts'
import { t } from '../i18n/i18n.ts'
import { Alert } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { clickKey, formatMoney, majorText, parseMajor } from './money.ts'

type Kind = 'refund' | 'capture' | 'cancel'

/**
 * Refund, capture and cancel where the role and the payment allow: a form, then a confirmation
 * saying what will happen, then one request with a key made for that click.
 */
export function ActionPanel({ detail, onDone }: { detail: PaymentDetail; onDone: (message: () => string) => void }) {
  const { actions, totals, payment } = detail
  const [kind, setKind] = useState<Kind>()
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState('')
  const [step, setStep] = useState<'form' | 'confirm'>('form')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  if (!actions.refund && !actions.capture && !actions.cancel) return null
  const money = (n: number) => formatMoney(n, payment.currency)
  const limit = kind === 'capture' ? totals.capturable : totals.refundable
  const open = (k: Kind) => {
    setKind(k)
    setStep('form')
    setError(undefined)
    setReason('')
    setAmount(k === 'cancel' ? '' : majorText(k === 'capture' ? totals.capturable : totals.refundable, payment.currency))
  }
  const minor = kind && kind !== 'cancel' ? parseMajor(amount, payment.currency) : undefined
  const what = kind === 'refund' ? t('confirm_refund', { amount: money(minor ?? 0) })
    : kind === 'capture' ? (minor !== undefined && minor < totals.capturable ? t('confirm_capture_partial', { amount: money(minor), rest: money(totals.capturable - minor) }) : t('confirm_capture', { amount: money(minor ?? 0) }))
    : actions.cancel === 'void' ? t('confirm_void', { amount: money(totals.authorised) }) : t('confirm_cancel_refund', { amount: money(totals.refundable) })

  return (
    <section class="panel actions-panel no-print" aria-label={t('actions')}>
      <div class="row-actions">
        {actions.refund && <button type="button" class="btn" onClick={() => open('refund')}>{t('action_refund')}</button>}
        {actions.capture && <button type="button" class="btn" onClick={() => open('capture')}>{t('action_capture')}</button>}
        {actions.cancel && <button type="button" class="btn btn-danger" onClick={() => open('cancel')}>{t(actions.cancel === 'void' ? 'action_void' : 'action_cancel_refund')}</button>}
      </div>
      {kind && step === 'form' && (
        <form class="action-form" onSubmit={(e) => {
          e.preventDefault()
          if (kind !== 'cancel' && (minor === undefined || minor < 1 || minor > limit)) return setError(t('amount_between', { max: money(limit) }))
          if (kind === 'refund' && reason.trim().length < 3) return setError(t('reason_required'))
          setError(undefined)
          setStep('confirm')
        }}>
          <h2>{t(kind === 'refund' ? 'action_refund' : kind === 'capture' ? 'action_capture' : actions.cancel === 'void' ? 'action_void' : 'action_cancel_refund')}</h2>
          {kind !== 'cancel' && (
            <label class="field">{t('amount_label', { currency: payment.currency })}
              <input name="amount" inputMode="decimal" value={amount} onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)} aria-describedby="amount-hint" />
              <span id="amount-hint" class="hint">{t('amount_hint', { max: money(limit) })}</span>
            </label>
          )}
          {kind !== 'capture' && (
            <label class="field">{t(kind === 'refund' ? 'reason_label' : 'reason_optional')}
              <textarea name="reason" rows={2} value={reason} onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)} />
            </label>
          )}
          {error && <Alert kind="error">{error}</Alert>}
          <div class="row-actions">
            <button type="submit" class="btn btn-primary">{t('continue')}</button>
            <button type="button" class="btn btn-quiet" onClick={() => setKind(undefined)}>{t('cancel')}</button>
          </div>
        </form>
      )}
      {kind && step === 'confirm' && (
        <div class="confirm" role="group" aria-label={t('confirm_title')}>
          <p>{what}</p>
          {error && <Alert kind="error">{error}</Alert>}
          <div class="row-actions">
            <button type="button" class="btn btn-primary" disabled={busy} onClick={async () => {
              setBusy(true)
              const idempotency_key = clickKey()
              try {
                const params = { project: payment.project_id, payment: payment.id }
                const result = kind === 'refund'
                  ? await call(ENDPOINTS.refund, { params, body: { idempotency_key, amount: minor, reason } })
                  : kind === 'capture'
                    ? await call(ENDPOINTS.capture, { params, body: { idempotency_key, amount: minor } })
                    : await call(ENDPOINTS.cancel, { params, body: { idempotency_key, ...(reason.trim() ? { reason } : {}) } })
                setKind(undefined)
                const { status, message } = result.operation
                onDone(() => (status === 'success' ? t('action_done') : t('action_declined', { message: message ?? status })))
              } catch (err) {
                setError(errorText(err))
              } finally {
                setBusy(false)
              }
            }}>{busy ? t('working') : t('confirm_action')}</button>
            <button type="button" class="btn btn-quiet" onClick={() => setStep('form')}>{t('back')}</button>
          </div>
        </div>
      )}
    </section>
  )
}
