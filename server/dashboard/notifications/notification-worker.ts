import { EMAIL_BY_DEFAULT, NOTIFICATION_KINDS, type NotificationKind } from '../../../protocol/schemas/dashboard/notifications.ts'
import type { DashboardLanguage, Role } from '../../../protocol/schemas/dashboard/common.ts'
import type { Clock } from '../../domain/ports.ts'
import type { Logger } from '../../logger.ts'
import { toSafeInt, type Sql } from '../../storage/sql.ts'
import type { MailMessage } from '../mail/mailer.ts'
import { notificationMail } from './notification-mail.ts'

/**
 * Who in the organisation sees an event of each kind (besides the project scope): failed
 * callbacks and go-live decisions go to whoever runs the integration, money events to whoever
 * handles money. Viewers and platform operators get none; a ready report goes to its maker only.
 */
export const RECIPIENT_ROLES: Readonly<Record<NotificationKind, readonly Role[]>> = {
  callback_failed: ['owner', 'admin', 'developer'],
  payout_declined: ['owner', 'admin', 'manager'],
  refund_large: ['owner', 'admin', 'manager'],
  go_live_decided: ['owner', 'admin', 'developer'],
  report_ready: [],
  // Local and upstream records disagree about money: whoever answers for money looks into it.
  reconciliation_mismatch: ['owner', 'admin', 'manager'],
}

/** Events fanned out, and mails claimed, per pass. */
const BATCH = 50
/** A claimed mail is someone's for this long; a process that dies sending it gives it back. */
const MAIL_LEASE_MS = 60_000
/** Tries per mail before it is given up (the SMTP server refused it or was away that long). */
const MAIL_ATTEMPTS = 5

/**
 * The background half of notifications: fans each new event out to its users (one row each,
 * unique per event and user, so a pass run twice or by two processes adds nothing), then mails
 * the rows whose user chose email for the kind. Runs with the job queue's poll, never on a
 * request or payment path.
 */
export function notificationWorker(deps: { sql: Sql; clock: Clock; logger: Logger; send: (m: MailMessage) => Promise<void>; publicUrl: string }) {
  const { sql, clock } = deps

  async function fanOut(): Promise<number> {
    return sql.transaction(async (tx) => {
      const events = await tx.query(
        `SELECT id, kind, org_id, project_id, user_id FROM notification_events WHERE fanned_out_at IS NULL
          ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [BATCH],
      )
      const now = clock.now()
      for (const e of events) {
        const kind = e['kind'] as NotificationKind
        const defaultEmail = EMAIL_BY_DEFAULT[kind] ?? false
        // The user's scope must hold the project: `project_ids` NULL is every project of the org.
        await tx.query(
          `INSERT INTO notifications (event_id, user_id, created_at, email)
           SELECT $1, u.id, $2, CASE WHEN COALESCE(pref.email, $3) THEN 'pending' ELSE 'none' END
             FROM dashboard_users u LEFT JOIN notification_preferences pref ON pref.user_id = u.id AND pref.kind = $4
            WHERE u.disabled_at IS NULL AND u.org_id = $5
              AND (CASE WHEN $6::text IS NOT NULL THEN u.id = $6::text ELSE u.role = ANY($7::text[]) END)
              AND ($8::bigint IS NULL OR u.project_ids IS NULL OR u.project_ids @> to_jsonb($8::bigint))
           ON CONFLICT (event_id, user_id) DO NOTHING`,
          [e['id'], now, defaultEmail, kind, e['org_id'], e['user_id'] ?? null, RECIPIENT_ROLES[kind] ?? [], e['project_id'] ?? null],
        )
        await tx.query('UPDATE notification_events SET fanned_out_at = $2 WHERE id = $1', [e['id'], now])
      }
      return events.length
    })
  }

  async function mailDue(): Promise<number> {
    const now = clock.now()
    const claimed = await sql.query(
      `UPDATE notifications n SET email_locked_until = $2, email_attempts = email_attempts + 1
        WHERE id IN (SELECT id FROM notifications WHERE email = 'pending' AND (email_locked_until IS NULL OR email_locked_until <= $1)
                     ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING n.id, n.email_attempts, n.event_id, n.user_id`,
      [now, new Date(now.getTime() + MAIL_LEASE_MS), BATCH],
    )
    for (const row of claimed) {
      const id = toSafeInt(row['id'], 'notifications.id')
      const [m] = await sql.query(
        `SELECT u.email, u.language, e.kind, e.params, p.name AS project
           FROM notification_events e JOIN dashboard_users u ON u.id = $2 LEFT JOIN projects p ON p.id = e.project_id
          WHERE e.id = $1 AND u.disabled_at IS NULL`,
        [row['event_id'], row['user_id']],
      )
      // A user disabled since the event is mailed nothing.
      if (!m || !(NOTIFICATION_KINDS as readonly string[]).includes(String(m['kind']))) {
        await sql.query("UPDATE notifications SET email = 'none', email_locked_until = NULL WHERE id = $1", [id])
        continue
      }
      const params = (typeof m['params'] === 'string' ? JSON.parse(m['params']) : m['params']) as Record<string, unknown>
      try {
        await deps.send(notificationMail({
          to: String(m['email']), language: m['language'] === 'ru' ? 'ru' : 'en' satisfies DashboardLanguage, kind: m['kind'] as NotificationKind,
          params, project: m['project'] === null || m['project'] === undefined ? undefined : String(m['project']), publicUrl: deps.publicUrl,
        }))
        await sql.query("UPDATE notifications SET email = 'sent', email_locked_until = NULL WHERE id = $1", [id])
      } catch (error) {
        const attempts = toSafeInt(row['email_attempts'], 'email_attempts')
        deps.logger.warn('notification mail not sent', { notification: id, attempts, error })
        // Tried again when the lease ends, a minute on; given up after MAIL_ATTEMPTS.
        if (attempts >= MAIL_ATTEMPTS) await sql.query("UPDATE notifications SET email = 'failed', email_locked_until = NULL WHERE id = $1", [id])
      }
    }
    return claimed.length
  }

  return {
    /** One pass: fan out what is new, then mail what is due. Returns how much it did. */
    async tick(): Promise<{ events: number; mails: number }> {
      let events = 0
      for (let n = await fanOut(); n > 0; n = n === BATCH ? await fanOut() : 0) events += n
      let mails = 0
      for (let n = await mailDue(); n > 0; n = n === BATCH ? await mailDue() : 0) mails += n
      return { events, mails }
    },
  }
}
export type NotificationWorker = ReturnType<typeof notificationWorker>
