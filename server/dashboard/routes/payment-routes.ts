import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { PAYMENT_COLUMNS, type PaymentColumn } from '../../../protocol/schemas/dashboard/payments.ts'
import { cancelPayment } from '../../domain/cancel-payment.ts'
import { capturePayment } from '../../domain/capture-payment.ts'
import { PaymentError } from '../../domain/errors.ts'
import type { Payment } from '../../domain/payment.ts'
import type { PaymentStore } from '../../domain/ports.ts'
import { refundPayment } from '../../domain/refund-payment.ts'
import type { AppDeps, AppEnv } from '../../http/deps.ts'
import { toStatusResponse } from '../../http/gate-views.ts'
import { projectInScope, type DashboardUser } from '../access/dashboard-user.ts'
import { roleCan } from '../access/permissions.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount, type Call } from '../http/endpoint.ts'
import type { DashboardProject } from '../http/load-project.ts'
import { runOnce } from '../payments/payment-actions.ts'
import { paymentFilter, queryPayments, toPaymentRow, writePaymentCursor } from '../payments/payment-query.ts'
import { possibleActions, threeDsOutcome, toCallbackView, toOperationView } from '../payments/payment-views.ts'
import { exportRoutes } from './payment-export-routes.ts'

const PAGE = 50
const DEFAULT_COLUMNS: PaymentColumn[] = ['created_at', 'payment_id', 'project', 'status', 'amount', 'method', 'card', 'customer']

/** The projects a user's lists cover: `undefined` for platform operators (every one). */
export async function visibleProjects(deps: Pick<DashboardDeps, 'projectSettings'>, user: DashboardUser): Promise<number[] | undefined> {
  if (user.role === 'platform') return undefined
  return (await deps.projectSettings.list(user.orgId!, user.projectIds)).filter((p) => projectInScope(user, p)).map((p) => p.id)
}

/**
 * Payments (SPEC §14): the filtered list, one payment's detail, and refund, capture and cancel
 * through the Gate's own domain functions (`app` is the server's AppDeps: the same stores,
 * providers, limits and idempotency records the Gate uses).
 */
export function paymentRoutes(router: Hono<AppEnv>, deps: DashboardDeps, app: AppDeps): void {
  const read = { auth: 'user', permission: 'payments.read' } as const
  const manage = { auth: 'user', permission: 'payments.manage' } as const
  const domain = { ...app, ...app.gate }

  mount(router, deps, ENDPOINTS.payments, read, async ({ user, query }) => {
    const rows = await queryPayments(deps.sql, paymentFilter(query, await visibleProjects(deps, user!)), PAGE + 1)
    const page = rows.slice(0, PAGE)
    return { payments: page, next_cursor: rows.length > PAGE ? writePaymentCursor(page.at(-1)!) : null }
  })

  exportRoutes(router, deps)

  mount(router, deps, ENDPOINTS.paymentColumns, read, async ({ user }) => {
    const rows = await deps.sql.query<{ value: unknown }>(`SELECT value FROM dashboard_preferences WHERE user_id = $1 AND key = 'payment_columns'`, [user!.id])
    const stored = rows[0] ? (typeof rows[0].value === 'string' ? JSON.parse(rows[0].value) : rows[0].value) : undefined
    const columns = Array.isArray(stored) ? stored.filter((c): c is PaymentColumn => (PAYMENT_COLUMNS as readonly unknown[]).includes(c)) : []
    return { columns: columns.length ? columns : DEFAULT_COLUMNS }
  })

  mount(router, deps, ENDPOINTS.setPaymentColumns, read, async ({ user, body, meta }) => {
    const columns = [...new Set(body.columns)]
    await deps.sql.query(
      `INSERT INTO dashboard_preferences (user_id, key, value, updated_at) VALUES ($1, 'payment_columns', $2, $3)
       ON CONFLICT (user_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [user!.id, JSON.stringify(columns), meta.now],
    )
    return { columns }
  })

  mount(router, deps, ENDPOINTS.payment, read, async ({ c, user, project }) => {
    const payment = await paymentIn(app, project!, c.req.param('payment'))
    const operations = await app.payments.operations(payment.id)
    const possible = possibleActions(payment, operations)
    const manages = roleCan(user!.role, 'payments.manage')
    const [row] = await deps.sql.query(`SELECT * FROM payments WHERE id = $1`, [payment.id])
    return {
      payment: toPaymentRow(row!),
      project_name: project!.name,
      operation_type: payment.operationType,
      totals: possible.totals,
      three_ds: threeDsOutcome(operations),
      operations: operations.map(toOperationView),
      callbacks: (await app.outbox.forPayment(payment.id)).map(toCallbackView),
      actions: {
        refund: manages && possible.refund,
        capture: manages && possible.capture,
        cancel: manages ? possible.cancel : null,
        resend: canResend(user!),
      },
      raw_status: toStatusResponse(payment, operations, undefined, deps.clock.now()),
    }
  })

  /** One money action: scope, the click's idempotency, the domain function, the callback, the journal. */
  const act = async (
    call: Call<typeof ENDPOINTS.refund | typeof ENDPOINTS.capture | typeof ENDPOINTS.cancel>,
    action: 'payment_refunded' | 'payment_captured' | 'payment_cancelled',
    amount: number | undefined,
    reason: string | undefined,
    run: (project: NonNullable<Awaited<ReturnType<AppDeps['projects']['get']>>>, payment: Payment, payments: PaymentStore) => ReturnType<typeof refundPayment>,
  ) => {
    const payment = await paymentIn(app, call.project!, call.c.req.param('payment'))
    const project = await app.projects.get(payment.projectId)
    if (!project) throw new PaymentError('not_found', 'no such payment')
    const { result, replayed } = await runOnce(app, project, {
      key: call.body.idempotency_key, action, target: payment.id, amount, userId: call.user!.id,
    }, (payments) => run(project, payment, payments))
    if (!replayed) {
      await journal(deps, call.entry({
        action, projectId: project.id, target: payment.paymentId,
        after: { operation_id: result.operation.id, type: result.operation.type, status: result.operation.status, amount: result.operation.amount, currency: result.operation.currency, payment_status: result.payment_status, ...(reason ? { reason } : {}) },
      }))
    }
    return result
  }

  mount(router, deps, ENDPOINTS.refund, manage, (call) =>
    act(call, 'payment_refunded', call.body.amount, call.body.reason, (project, payment, payments) =>
      refundPayment({ ...domain, payments }, project, { paymentId: payment.paymentId, amount: call.body.amount, currency: undefined })))

  mount(router, deps, ENDPOINTS.capture, manage, (call) =>
    act(call, 'payment_captured', call.body.amount, undefined, (project, payment, payments) =>
      capturePayment({ ...domain, payments }, project, { paymentId: payment.paymentId, amount: call.body.amount, currency: undefined })))

  mount(router, deps, ENDPOINTS.cancel, manage, (call) =>
    act(call, 'payment_cancelled', undefined, call.body.reason, (project, payment, payments) =>
      cancelPayment({ ...domain, payments }, project, { paymentId: payment.paymentId })))

  mount(router, deps, ENDPOINTS.resendCallback, read, async ({ c, user, project, meta, entry }) => {
    if (!canResend(user!)) throw new PaymentError('forbidden', 'your role does not allow this')
    const payment = await paymentIn(app, project!, c.req.param('payment'))
    const id = c.req.param('callback') ?? ''
    const rows = await deps.sql.query(
      `UPDATE callback_outbox SET status = 'pending', next_attempt_at = $3, locked_until = NULL
       WHERE id = $1 AND payment_row_id = $2 RETURNING id`,
      [id, payment.id, meta.now],
    )
    if (!rows[0]) throw new PaymentError('not_found', 'no such callback')
    app.notifyCallbacks()
    await journal(deps, entry({ action: 'callback_resent', projectId: project!.id, target: payment.paymentId, after: { callback: id } }))
    return { ok: true as const }
  })
}

/** Money people and the people who run the integration may resend a callback: it moves no money. */
function canResend(user: DashboardUser): boolean {
  return roleCan(user.role, 'payments.manage') || roleCan(user.role, 'projects.settings')
}

/** The payment a path names, within the path's project (whose scope the endpoint checked): else 404. */
async function paymentIn(app: AppDeps, project: DashboardProject, id: string | undefined): Promise<Payment> {
  const payment = id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await app.payments.get(id) : undefined
  if (!payment || payment.projectId !== project.id) throw new PaymentError('not_found', 'no such payment')
  return payment
}
