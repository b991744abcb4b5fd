import { useEffect, useState } from 'preact/hooks'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { NotificationPage, NotificationView } from '../../../protocol/schemas/dashboard/notifications.ts'
import { call } from '../api/client.ts'
import { me } from '../app/session.ts'
import { formatTime, t } from '../i18n/i18n.ts'
import { formatMoney } from '../payments/money.ts'
import { useResource } from '../projects/use-resource.ts'
import { Alert, Empty, ErrorState, Loading } from '../ui/states.tsx'
import { errorText } from '../ui/error-text.ts'
import { LargeRefundForm } from './LargeRefundForm.tsx'
import { NotificationSettingsForm } from './NotificationSettingsForm.tsx'
import { unread } from './unread.ts'

/** The sentence a notification says, from what its kind carries. */
function sentence(n: NotificationView): string {
  const money = n.amount !== null && n.currency !== null ? formatMoney(n.amount, n.currency) : ''
  const payment = n.payment_id ?? ''
  switch (n.kind) {
    case 'callback_failed': return t('note_callback_failed', { payment })
    case 'payout_declined': return t('note_payout_declined', { money, payment })
    case 'refund_large': return t('note_refund_large', { money, payment })
    case 'go_live_decided': return t(n.decision === 'approved' ? 'note_go_live_approved' : 'note_go_live_rejected')
    case 'report_ready': return t('note_report_ready')
    case 'reconciliation_mismatch': return t('note_reconciliation_mismatch', { day: n.day ?? '', count: n.mismatches ?? 0 })
  }
}

/** Further facts: the last HTTP answer, the decline code, the reviewer's reason. */
function detail(n: NotificationView): string | undefined {
  if (n.http_status !== null) return t('note_http_status', { status: n.http_status })
  if (n.code !== null) return t('note_decline_code', { code: n.code })
  if (n.reason !== null) return t('note_reason', { reason: n.reason })
  return undefined
}

function link(n: NotificationView): { href: string; label: string } | undefined {
  if (n.project && n.payment_ref) return { href: `/dashboard/payments/${n.project.id}/${n.payment_ref}`, label: t('note_open_payment') }
  if (n.kind === 'report_ready') return { href: '/dashboard/reports', label: t('note_open_reports') }
  if (n.kind === 'reconciliation_mismatch' && n.project) return { href: `/dashboard/projects/${n.project.id}?tab=reconciliation`, label: t('note_open_reconciliation') }
  if (n.kind === 'go_live_decided' && n.project) return { href: `/dashboard/projects/${n.project.id}`, label: t('note_open_project') }
  return undefined
}

/**
 * Notifications (SPEC §14): the signed-in user's, newest first, with what to open next; each is
 * marked read on its own or all at once, and the bell's count follows. Email choices below.
 */
export function NotificationsPage() {
  const list = useResource(() => call(ENDPOINTS.notifications))
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)

  const update = (page: NotificationPage) => {
    list.setData(page)
    unread.value = page.unread
  }
  // The list's own count is the freshest the bell can have when the screen opens.
  useEffect(() => {
    if (list.data) unread.value = list.data.unread
  }, [list.data])

  const act = async (work: () => Promise<void>) => {
    setBusy(true)
    setError(undefined)
    try {
      await work()
    } catch (err) {
      setError(errorText(err))
    } finally {
      setBusy(false)
    }
  }
  const markRead = (n: NotificationView) => act(async () => {
    const { unread: left } = await call(ENDPOINTS.readNotification, { params: { notification: n.id } })
    update({ ...list.data!, unread: left, notifications: list.data!.notifications.map((x) => (x.id === n.id ? { ...x, read: true } : x)) })
  })
  const markAll = () => act(async () => {
    await call(ENDPOINTS.readAllNotifications)
    update({ ...list.data!, unread: 0, notifications: list.data!.notifications.map((x) => ({ ...x, read: true })) })
  })
  const more = () => act(async () => {
    const next = await call(ENDPOINTS.notifications, { query: { before: list.data!.next ?? undefined } })
    update({ ...next, notifications: [...list.data!.notifications, ...next.notifications] })
  })

  return (
    <section class="page">
      <div class="page-head">
        <div>
          <h1>{t('notifications_title')}</h1>
          <p class="lead">{t('notifications_lead')}</p>
        </div>
        {list.data && list.data.unread > 0 && (
          <button type="button" class="btn" disabled={busy} onClick={markAll}>{t('notifications_mark_all')}</button>
        )}
      </div>
      {error && <Alert kind="error">{error}</Alert>}
      {list.loading ? <Loading />
        : list.error ? <ErrorState message={errorText(list.error)} onRetry={list.reload} />
        : list.data!.notifications.length === 0 ? <Empty title={t('notifications_empty_title')} text={t('notifications_empty')} />
        : (
          <>
            <ul class="notes" aria-label={t('notifications_list')}>
              {list.data!.notifications.map((n) => {
                const go = link(n)
                const more = detail(n)
                return (
                  <li key={n.id} class={n.read ? 'note' : 'note note-unread'}>
                    <div class="note-head">
                      <h2 class="note-title">
                        {!n.read && <span class="note-dot" aria-hidden="true" />}
                        {!n.read && <span class="sr-only">{t('notifications_unread')} </span>}
                        {t(`notification_kind_${n.kind}`)}
                      </h2>
                      <time class="muted" dateTime={n.created_at}>{formatTime(n.created_at)}</time>
                    </div>
                    <p class="note-text">{sentence(n)}{more && <span class="muted"> {more}</span>}</p>
                    <div class="note-foot">
                      {n.project && <span class="chip">{n.project.name}</span>}
                      {n.test && <span class="badge badge-test">{t('test')}</span>}
                      {go && <a href={go.href}>{go.label}</a>}
                      {!n.read && (
                        <button type="button" class="btn btn-quiet btn-small" disabled={busy} onClick={() => markRead(n)}>
                          {t('notifications_mark_read')}
                        </button>
                      )}
                    </div>
                  </li>
                )
              })}
            </ul>
            {list.data!.next && <button type="button" class="btn" disabled={busy} onClick={more}>{t('notifications_more')}</button>}
          </>
        )}
      <NotificationSettingsForm />
      {me.value?.organisation && <LargeRefundForm orgName={me.value.organisation.name} />}
    </section>
  )
}
