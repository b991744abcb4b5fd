import { useState } from 'preact/hooks'
import { CURRENCY_EXPONENTS, type Currency } from '../../../protocol/money.ts'
import type { BalanceView, PayoutResult } from '../../../protocol/schemas/dashboard/balance.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'
import { t } from '../i18n/i18n.ts'
import { clickKey, formatMoney, parseMajor } from '../payments/money.ts'
import { errorText } from '../ui/error-text.ts'
import { Alert } from '../ui/states.tsx'

type Draft = { project: string; currency: string; amount: string; kind: 'card' | 'wallet'; token: string; customer: string; account: string; description: string }

/**
 * A payout request: a form, then a confirmation saying what will happen, then one request under a
 * key made when the confirmation opened — a double click or a retry sends the same key and pays once.
 * The server decides (balance, limits, 3028); the screen only shows its answer.
 */
export function PayoutForm({ view, onDone }: { view: BalanceView; onDone: (result: PayoutResult) => void }) {
  const first = view.balances.find((b) => b.available > 0) ?? view.balances[0]
  const [draft, setDraft] = useState<Draft>({
    project: String(first?.project_id ?? view.projects[0]?.id ?? ''), currency: first?.currency ?? 'EUR', amount: '', kind: 'card', token: '', customer: '', account: '', description: '',
  })
  const [confirm, setConfirm] = useState<{ key: string; amount: number }>()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string>()
  const currency = draft.currency as Currency
  const set = (name: keyof Draft) => (e: Event) => {
    setDraft({ ...draft, [name]: (e.currentTarget as HTMLInputElement).value })
    setConfirm(undefined)
  }
  const line = view.balances.find((b) => String(b.project_id) === draft.project && b.currency === draft.currency)
  const projectName = view.projects.find((p) => String(p.id) === draft.project)?.name ?? draft.project
  const destination = draft.kind === 'card'
    ? { type: 'card' as const, account_token: draft.token.trim(), customer_id: draft.customer.trim() }
    : { type: 'wallet' as const, account: draft.account.trim() }
  const to = draft.kind === 'card' ? t('payout_to_card', { token: draft.token.trim() }) : t('payout_to_wallet', { account: draft.account.trim() })

  return (
    <section class="panel" aria-labelledby="payout-title">
      <h2 id="payout-title">{t('payout_new')}</h2>
      <form class="payout-form" onSubmit={(e) => {
        e.preventDefault()
        const amount = parseMajor(draft.amount, currency)
        if (amount === undefined || amount < 1) return setError(t('payout_amount_invalid'))
        if (draft.kind === 'card' && (!draft.token.trim() || !draft.customer.trim())) return setError(t('payout_card_required'))
        if (draft.kind === 'wallet' && !draft.account.trim()) return setError(t('payout_wallet_required'))
        setError(undefined)
        setConfirm({ key: clickKey(), amount })
      }}>
        <div class="payout-grid">
          <label class="field">{t('filter_project')}
            <select name="project" value={draft.project} onChange={set('project')}>
              {view.projects.map((p) => <option key={p.id} value={String(p.id)}>{p.name}</option>)}
            </select>
          </label>
          <label class="field">{t('currency')}
            <select name="currency" value={draft.currency} onChange={set('currency')}>
              {(Object.keys(CURRENCY_EXPONENTS) as Currency[]).map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
          </label>
          <label class="field">{t('amount_label', { currency: draft.currency })}
            <input name="amount" inputMode="decimal" autoComplete="off" value={draft.amount} onInput={set('amount')} aria-describedby="payout-available" />
            <span id="payout-available" class="hint">{t('payout_available', { amount: formatMoney(line?.available ?? 0, currency) })}</span>
          </label>
        </div>
        <fieldset class="field payout-kind">
          <legend>{t('payout_destination')}</legend>
          <label class="check"><input type="radio" name="kind" value="card" checked={draft.kind === 'card'} onChange={set('kind')} /> {t('payout_kind_card')}</label>
          <label class="check"><input type="radio" name="kind" value="wallet" checked={draft.kind === 'wallet'} onChange={set('kind')} /> {t('payout_kind_wallet')}</label>
        </fieldset>
        <div class="payout-grid">
          {draft.kind === 'card' ? (
            <>
              <label class="field">{t('payout_token')}<input name="account_token" autoComplete="off" value={draft.token} onInput={set('token')} /></label>
              <label class="field">{t('payout_customer')}<input name="customer_id" autoComplete="off" value={draft.customer} onInput={set('customer')} /></label>
            </>
          ) : (
            <label class="field">{t('payout_account')}<input name="account" autoComplete="off" value={draft.account} onInput={set('account')} /></label>
          )}
          <label class="field">{t('payout_description')}<input name="description" autoComplete="off" value={draft.description} onInput={set('description')} /></label>
        </div>
        {error && !confirm && <Alert kind="error">{error}</Alert>}
        {!confirm && <button type="submit" class="btn btn-primary">{t('continue')}</button>}
      </form>
      {confirm && (
        <div class="confirm" role="group" aria-label={t('confirm_title')}>
          <p>{t('payout_confirm', { amount: formatMoney(confirm.amount, currency), project: projectName, to })}</p>
          {error && <Alert kind="error">{error}</Alert>}
          <div class="row-actions">
            <button type="button" class="btn btn-primary" disabled={busy} onClick={async () => {
              setBusy(true)
              try {
                const result = await call(ENDPOINTS.requestPayout, {
                  params: { project: draft.project },
                  body: { idempotency_key: confirm.key, amount: confirm.amount, currency, destination, ...(draft.description.trim() ? { description: draft.description.trim() } : {}) },
                })
                setConfirm(undefined)
                setError(undefined)
                setDraft({ ...draft, amount: '' })
                onDone(result)
              } catch (err) {
                setError(errorText(err))
              } finally {
                setBusy(false)
              }
            }}>{busy ? t('working') : t('payout_send')}</button>
            <button type="button" class="btn btn-quiet" onClick={() => setConfirm(undefined)}>{t('back')}</button>
          </div>
        </div>
      )}
    </section>
  )
}
