import { CURRENCY_EXPONENTS } from '../../protocol/money.ts'
import type { NotificationKind } from '../../protocol/schemas/dashboard/notifications.ts'
import type { Operation, Payment } from '../domain/payment.ts'
import type { Sql } from './sql.ts'

/** What an event says; the dashboard and the mail build their text from it. */
export type NotificationParams = Record<string, string | number | boolean | null>

/**
 * Records a notification event in the caller's transaction. `key` names the cause (an
 * operation, a callback, a job, a review): a change applied again adds nothing (ON CONFLICT).
 * The organisation is the project's unless given; `userId` narrows the event to one user.
 */
export async function recordNotificationEvent(
  tx: Sql,
  event: { key: string; kind: NotificationKind; projectId?: number; orgId?: string; userId?: string; params: NotificationParams; now: Date },
): Promise<void> {
  await tx.query(
    `INSERT INTO notification_events (event_key, kind, org_id, project_id, user_id, params, created_at)
     SELECT $1, $2, COALESCE($3::text, (SELECT org_id FROM projects WHERE id = $4::bigint)), $4::bigint, $5::text, $6, $7
     ON CONFLICT (event_key) DO NOTHING`,
    [event.key, event.kind, event.orgId ?? null, event.projectId ?? null, event.userId ?? null, JSON.stringify(event.params), event.now],
  )
}

/**
 * The events a payment change causes, in its transaction: a declined payout (3028 and every
 * other decline), and a successful refund at or above the organisation's threshold. Nothing is
 * written for any other change, so the pay path costs no extra statement.
 */
export async function recordOperationNotice(tx: Sql, p: Payment, o: Operation): Promise<void> {
  const params = { payment_id: p.paymentId, payment_ref: p.id, amount: o.amount, currency: o.currency, test: p.test }
  if (o.type === 'payout' && o.status === 'decline') {
    await recordNotificationEvent(tx, {
      key: `payout_declined:${o.id}`, kind: 'payout_declined', projectId: p.projectId,
      params: { ...params, code: o.code ?? null, message: o.message ?? null }, now: o.updatedAt,
    })
  } else if (o.type === 'refund' && o.status === 'success') {
    // The threshold is in major units; the amount in minor units of the currency's exponent.
    const scale = 10 ** CURRENCY_EXPONENTS[o.currency]
    await tx.query(
      `INSERT INTO notification_events (event_key, kind, org_id, project_id, params, created_at)
       SELECT $1, 'refund_large', o.id, p.id, $2, $3 FROM projects p JOIN organisations o ON o.id = p.org_id
        WHERE p.id = $4 AND $5::bigint >= o.large_refund_major * $6::bigint
       ON CONFLICT (event_key) DO NOTHING`,
      [`refund_large:${o.id}`, JSON.stringify(params), o.updatedAt, p.projectId, o.amount, scale],
    )
  }
}
