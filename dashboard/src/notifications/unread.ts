import { signal } from '@preact/signals'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { call } from '../api/client.ts'

/** How often the bell asks again while the dashboard is open. */
const POLL_MS = 30_000

/** The signed-in user's unread notifications, as the bell in the header shows them. */
export const unread = signal(0)

/** Asks the server for the count now; a failure keeps the last count (the bell is not worth an error). */
export async function refreshUnread(): Promise<void> {
  unread.value = (await call(ENDPOINTS.unreadNotifications).catch(() => ({ unread: unread.value }))).unread
}

/** Keeps the count fresh while the page is visible; returns the stop function. */
export function pollUnread(): () => void {
  void refreshUnread()
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') void refreshUnread()
  }, POLL_MS)
  return () => clearInterval(timer)
}
