import { EMAIL_BY_DEFAULT, NOTIFICATION_KINDS, type NotificationKind, type NotificationSettings, type NotificationView } from '../../../protocol/schemas/dashboard/notifications.ts'
import { isCurrency } from '../../../protocol/money.ts'
import { toSafeInt, type Sql } from '../../storage/sql.ts'

/** A page of the notifications list. */
export const NOTIFICATION_PAGE = 30

/** A user's notifications: only ever read and changed by `user_id`, so no one reads another's. */
export function notificationStore(sql: Sql) {
  return {
    async page(userId: string, before: number | undefined): Promise<{ notifications: NotificationView[]; next: string | null }> {
      const rows = await sql.query(
        `SELECT n.id, n.created_at, n.read_at, e.kind, e.params, e.project_id, p.name AS project_name
           FROM notifications n JOIN notification_events e ON e.id = n.event_id LEFT JOIN projects p ON p.id = e.project_id
          WHERE n.user_id = $1 AND ($2::bigint IS NULL OR n.id < $2::bigint)
          ORDER BY n.id DESC LIMIT $3`,
        [userId, before ?? null, NOTIFICATION_PAGE + 1],
      )
      const more = rows.length > NOTIFICATION_PAGE
      const shown = rows.slice(0, NOTIFICATION_PAGE).map(toView)
      return { notifications: shown, next: more ? shown.at(-1)!.id : null }
    },

    async unread(userId: string): Promise<number> {
      const rows = await sql.query('SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL', [userId])
      return toSafeInt(rows[0]!['n'], 'count')
    },

    /** False when the user has no such notification (another's id is not confirmed to exist). */
    async markRead(userId: string, id: number, now: Date): Promise<boolean> {
      const rows = await sql.query(
        'UPDATE notifications SET read_at = COALESCE(read_at, $3) WHERE id = $1 AND user_id = $2 RETURNING id',
        [id, userId, now],
      )
      return rows.length === 1
    },

    async markAllRead(userId: string, now: Date): Promise<void> {
      await sql.query('UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL', [userId, now])
    },

    async settings(userId: string): Promise<NotificationSettings> {
      const rows = await sql.query<{ kind: string; email: boolean }>('SELECT kind, email FROM notification_preferences WHERE user_id = $1', [userId])
      const email = { ...EMAIL_BY_DEFAULT }
      for (const row of rows) if ((NOTIFICATION_KINDS as readonly string[]).includes(row.kind)) email[row.kind as NotificationKind] = row.email
      return { email }
    },

    /**
     * Saves the user's choices. `changed` runs in the same transaction when any choice differs
     * from before (kind by kind, `email.<kind>`), so the journal row commits with the change.
     */
    async setSettings(userId: string, settings: NotificationSettings, changed?: (tx: Sql, before: Record<string, boolean>, after: Record<string, boolean>) => Promise<unknown>): Promise<void> {
      await sql.transaction(async (tx) => {
        // The user's row lock: two saves of one user take turns, so each reads the other's result as its "before".
        await tx.query('SELECT 1 FROM dashboard_users WHERE id = $1 FOR UPDATE', [userId])
        const current = await notificationStore(tx).settings(userId)
        for (const kind of NOTIFICATION_KINDS) {
          await tx.query(
            `INSERT INTO notification_preferences (user_id, kind, email) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, kind) DO UPDATE SET email = EXCLUDED.email`,
            [userId, kind, settings.email[kind]],
          )
        }
        const kinds = NOTIFICATION_KINDS.filter((k) => current.email[k] !== settings.email[k])
        if (kinds.length > 0 && changed) {
          await changed(tx, Object.fromEntries(kinds.map((k) => [`email.${k}`, current.email[k]])), Object.fromEntries(kinds.map((k) => [`email.${k}`, settings.email[k]])))
        }
      })
    },
  }
}
export type NotificationStore = ReturnType<typeof notificationStore>

function toView(r: Record<string, unknown>): NotificationView {
  const p = (typeof r['params'] === 'string' ? JSON.parse(r['params']) : r['params']) as Record<string, unknown>
  const text = (k: string) => (typeof p[k] === 'string' ? (p[k] as string) : null)
  const num = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : null)
  const currency = text('currency')
  const decision = text('decision')
  return {
    id: String(r['id']),
    kind: r['kind'] as NotificationKind,
    created_at: new Date(r['created_at'] as string | Date).toISOString(),
    read: r['read_at'] !== null && r['read_at'] !== undefined,
    project: r['project_id'] === null || r['project_id'] === undefined ? null : { id: toSafeInt(r['project_id'], 'project_id'), name: String(r['project_name'] ?? '') },
    payment_id: text('payment_id'),
    payment_ref: text('payment_ref'),
    amount: num('amount'),
    currency: currency && isCurrency(currency) ? currency : null,
    code: text('code'),
    http_status: num('http_status'),
    decision: decision === 'approved' || decision === 'rejected' ? decision : null,
    reason: text('reason'),
    report_id: text('report_id'),
    day: text('day'),
    mismatches: num('mismatches'),
    test: p['test'] === true,
  }
}
