import { useEffect } from 'preact/hooks'
import { t } from '../i18n/i18n.ts'
import { pollUnread, unread } from './unread.ts'

/** The header's link to the notifications, with the unread count in its accessible name. */
export function Bell({ current }: { current: boolean }) {
  useEffect(() => pollUnread(), [])
  const count = unread.value
  return (
    <a class="bell" href="/dashboard/notifications" aria-current={current ? 'page' : undefined}
      aria-label={count > 0 ? t('notifications_bell_unread', { count }) : t('notifications_title')}>
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
      </svg>
      {count > 0 && <span class="bell-count" aria-hidden="true">{count > 99 ? '99+' : count}</span>}
    </a>
  )
}
