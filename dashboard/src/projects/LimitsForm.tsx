import { useState } from 'preact/hooks'
import { CURRENCY_EXPONENTS, type Currency } from '../../../protocol/money.ts'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { LIMIT_OPERATIONS, type LimitRow, type ProjectView } from '../../../protocol/schemas/dashboard/projects.ts'
import { call } from '../api/client.ts'
import { t } from '../i18n/i18n.ts'
import { Alert } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

const AMOUNTS = ['min_amount', 'max_amount', 'daily_amount', 'daily_count', 'monthly_amount', 'monthly_count'] as const
type Draft = { operation: LimitRow['operation']; currency: Currency } & Record<(typeof AMOUNTS)[number], string>
const CURRENCIES = Object.keys(CURRENCY_EXPONENTS) as Currency[]

const toDraft = (r: LimitRow): Draft => ({ operation: r.operation, currency: r.currency, ...Object.fromEntries(AMOUNTS.map((k) => [k, r[k] === null ? '' : String(r[k])])) }) as Draft

/** Limits per operation and currency (minor units; empty = none), saved as one list. */
export function LimitsForm({ project, editable, onSaved }: { project: ProjectView; editable: boolean; onSaved: (p: ProjectView) => void }) {
  const [rows, setRows] = useState<Draft[]>(project.limits.map(toDraft))
  const [status, setStatus] = useState<{ kind: 'error' | 'success'; text: string }>()
  const [busy, setBusy] = useState(false)
  const update = (i: number, patch: Partial<Draft>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)))
  return (
    <form
      class="panel"
      onSubmit={async (e) => {
        e.preventDefault()
        setBusy(true)
        setStatus(undefined)
        try {
          const limits = rows.map((r) => ({ operation: r.operation, currency: r.currency, ...Object.fromEntries(AMOUNTS.map((k) => [k, r[k].trim() === '' ? null : Number(r[k])])) }) as LimitRow)
          onSaved(await call(ENDPOINTS.setLimits, { params: { project: project.id }, body: { limits } }))
          setStatus({ kind: 'success', text: t('saved') })
        } catch (err) {
          setStatus({ kind: 'error', text: errorText(err) })
        } finally {
          setBusy(false)
        }
      }}
    >
      <p class="hint">{t('limits_lead')}</p>
      {!editable && <Alert kind="info">{t('read_only')}</Alert>}
      {rows.length === 0 ? <p class="muted">{t('limits_empty')}</p> : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={t('tab_limits')}>
          <table class="table table-form">
            <caption class="sr-only">{t('tab_limits')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('limit_operation')}</th><th scope="col">{t('limit_currency')}</th>
                {AMOUNTS.map((k) => <th scope="col" key={k}>{t(`limit_${k}`)}</th>)}
                {editable && <th scope="col"><span class="sr-only">{t('remove_limit')}</span></th>}
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td>
                    <select aria-label={t('limit_operation')} disabled={!editable} value={r.operation} onChange={(e) => update(i, { operation: (e.currentTarget as HTMLSelectElement).value as Draft['operation'] })}>
                      {LIMIT_OPERATIONS.map((op) => <option key={op} value={op}>{t(`op_${op}`)}</option>)}
                    </select>
                  </td>
                  <td>
                    <select aria-label={t('limit_currency')} disabled={!editable} value={r.currency} onChange={(e) => update(i, { currency: (e.currentTarget as HTMLSelectElement).value as Currency })}>
                      {CURRENCIES.map((c) => <option key={c} value={c}>{c}</option>)}
                    </select>
                  </td>
                  {AMOUNTS.map((k) => (
                    <td key={k}>
                      <input class="num" inputMode="numeric" pattern="[0-9]*" aria-label={`${t(`limit_${k}`)} (${r.operation}, ${r.currency})`} disabled={!editable} value={r[k]}
                        onInput={(e) => update(i, { [k]: (e.currentTarget as HTMLInputElement).value } as Partial<Draft>)} />
                    </td>
                  ))}
                  {editable && <td><button type="button" class="btn btn-small" onClick={() => setRows(rows.filter((_, j) => j !== i))}>{t('remove_limit')}</button></td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {status && <Alert kind={status.kind}>{status.text}</Alert>}
      {editable && (
        <div class="actions">
          <button type="button" class="btn" onClick={() => setRows([...rows, toDraft({ operation: 'sale', currency: 'EUR', min_amount: null, max_amount: null, daily_amount: null, daily_count: null, monthly_amount: null, monthly_count: null })])}>{t('add_limit')}</button>
          <button class="btn btn-primary" type="submit" disabled={busy}>{busy ? t('saving') : t('save')}</button>
        </div>
      )}
    </form>
  )
}
