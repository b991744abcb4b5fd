import { useEffect, useState } from 'preact/hooks'
import type * as v from 'valibot'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { ExportFormat, PaymentExportRequestSchema, PaymentExportView } from '../../../protocol/schemas/dashboard/payment-exports.ts'
import { call } from '../api/client.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { Alert } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'

/** How often the list is asked again while an export is being made. */
const POLL_MS = 1500

const size = (bytes: number | null) => (bytes === null ? '' : bytes < 1024 ? `${bytes} B` : bytes < 1_048_576 ? `${(bytes / 1024).toFixed(0)} KB` : `${(bytes / 1_048_576).toFixed(1)} MB`)

/** Starts a download of a file the server streams (the browser saves it; the page stays). */
function download(url: string): void {
  const a = document.createElement('a')
  a.href = url
  a.download = ''
  document.body.append(a)
  a.click()
  a.remove()
}

/**
 * Export buttons of the payments list, and a panel of the user's background exports. The server decides:
 * a small CSV or XLSX downloads at once; a large one, and any PDF, is made in the background
 * and listed here, followed until it is ready to download.
 */
export function usePaymentExports(query: Record<string, string | undefined>) {
  const [exports, setExports] = useState<PaymentExportView[]>([])
  const [busy, setBusy] = useState<ExportFormat>()
  const [error, setError] = useState<string>()
  useEffect(() => {
    void call(ENDPOINTS.paymentExports).then((r) => setExports(r.exports), () => undefined)
  }, [])
  const waiting = exports.some((e) => e.status === 'queued' || e.status === 'running')
  useEffect(() => {
    if (!waiting) return
    const timer = setTimeout(() => void call(ENDPOINTS.paymentExports).then((r) => setExports(r.exports), () => setExports([...exports])), POLL_MS)
    return () => clearTimeout(timer)
  }, [exports])
  const start = async (format: ExportFormat) => {
    setBusy(format)
    setError(undefined)
    try {
      const tz = Intl.DateTimeFormat().resolvedOptions().timeZone
      // The screen's filters as its URL holds them; the server validates each.
      const body = { ...query, tz, format } as v.InferInput<typeof PaymentExportRequestSchema>
      const started = await call(ENDPOINTS.startPaymentExport, { body })
      if (started.mode === 'direct') download(started.url)
      else setExports([started.export, ...exports.filter((e) => e.id !== started.export.id)])
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(undefined)
    }
  }
  const button = (format: ExportFormat, label: 'export_csv' | 'export_xlsx' | 'export_pdf') => (
    <button type="button" class="btn" disabled={busy !== undefined} aria-busy={busy === format} onClick={() => void start(format)}>{t(label)}</button>
  )
  return {
    buttons: <>{button('csv', 'export_csv')}{button('xlsx', 'export_xlsx')}{button('pdf', 'export_pdf')}</>,
    panel: (
      <>
        {error && <Alert kind="error">{error}</Alert>}
        {exports.length > 0 && (
          <section class="panel exports no-print" aria-labelledby="exports-title">
            <h2 id="exports-title">{t('exports_title')}</h2>
            <p class="muted">{t('exports_lead')}</p>
            <ul class="export-list" aria-live="polite">
              {exports.map((e) => (
                <li key={e.id}>
                  <span class="badge">{e.format.toUpperCase()}</span>{' '}
                  <span class={`status status-report-${e.status}`}>{t(`report_status_${e.status}`)}</span>{' '}
                  {e.file_url
                    ? <><a href={e.file_url} download>{t('download')}</a> <span class="muted">{size(e.size)} · {t('report_kept_until', { time: formatTime(e.expires_at!) })}</span></>
                    : <span class="muted">{t('report_made_at', { time: formatTime(e.created_at) })}</span>}
                </li>
              ))}
            </ul>
          </section>
        )}
      </>
    ),
  }
}
