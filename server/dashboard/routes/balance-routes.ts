import type { Hono } from 'hono'
import { ENDPOINTS } from '../../../protocol/schemas/dashboard/endpoints.ts'
import type { PayoutBody } from '../../../protocol/schemas/dashboard/balance.ts'
import { PaymentError } from '../../domain/errors.ts'
import { payout, type PayoutDestination } from '../../domain/payout.ts'
import type { Project } from '../../domain/ports.ts'
import { openSavedCard } from '../../domain/saved-card.ts'
import type { AppDeps, AppEnv } from '../../http/deps.ts'
import { projectInScope } from '../access/dashboard-user.ts'
import { roleCan } from '../access/permissions.ts'
import { projectBalances, queryPayouts } from '../balance/balance-query.ts'
import type { DashboardDeps } from '../dashboard-deps.ts'
import { journal, mount } from '../http/endpoint.ts'
import { runOnce } from '../payments/payment-actions.ts'
import { readPaymentCursor, writePaymentCursor, type PaymentFilter } from '../payments/payment-query.ts'
import { visibleProjects } from './payment-routes.ts'

const PAGE = 50

/**
 * Balance and payouts (SPEC §14): each project's balance per currency from the ledger with the
 * commission kept, the payouts made, and payout requests through the Gate's own `payout` — the
 * same balance lock, limits, 3028 decline and callback as `/v2/payment/…/payout`.
 * Hint: the balance is money, like Home, so it needs `home.read` (developers get none); paying
 * out is one of the manager's money actions in SPEC §14, so it needs `payments.manage`, as refunds do.
 */
export function balanceRoutes(router: Hono<AppEnv>, deps: DashboardDeps, app: AppDeps): void {
  const read = { auth: 'user', permission: 'home.read' } as const
  const manage = { auth: 'user', permission: 'payments.manage' } as const
  const domain = { ...app, ...app.gate }

  mount(router, deps, ENDPOINTS.balance, read, async ({ user }) => {
    const u = user!
    const projects = (await deps.projectSettings.list(u.role === 'platform' ? undefined : u.orgId!, u.projectIds)).filter((p) => projectInScope(u, p))
    const rates = await deps.sql.query<{ id: unknown; commission_bps: unknown }>(`SELECT id, commission_bps FROM projects WHERE id = ANY($1::bigint[])`, [projects.map((p) => p.id)])
    const bps = new Map(rates.map((r) => [Number(r.id), Number(r.commission_bps)]))
    return {
      balances: await projectBalances(deps.sql, projects),
      projects: projects.map((p) => ({ id: p.id, name: p.name, commission_bps: bps.get(p.id) ?? 0, test: p.testMode })),
      can_pay_out: roleCan(u.role, 'payments.manage'),
    }
  })

  mount(router, deps, ENDPOINTS.payouts, read, async ({ user, query }) => {
    const filter: PaymentFilter = { projects: await visibleProjects(deps, user!) }
    if (query.project !== undefined) filter.project = query.project
    if (query.status) filter.status = query.status
    if (query.currency) filter.currency = query.currency
    if (query.cursor) filter.after = readPaymentCursor(query.cursor)
    const rows = await queryPayouts(deps.sql, filter, PAGE + 1)
    const page = rows.slice(0, PAGE)
    return { payouts: page, next_cursor: rows.length > PAGE ? writePaymentCursor(page.at(-1)!) : null }
  })

  mount(router, deps, ENDPOINTS.requestPayout, manage, async ({ user, project: shown, body, entry }) => {
    const project = await app.projects.get(shown!.id)
    if (!project) throw new PaymentError('not_found', 'no such project')
    // The click's key names the payout, so a retried click meets its own payment even where the
    // idempotency record was lost, and no two clicks can share a payment id.
    const paymentId = `dashboard-payout-${body.idempotency_key}`
    const target = JSON.stringify([project.id, body.currency, body.destination, body.description ?? null])
    const { result, replayed } = await runOnce(app, project, { key: body.idempotency_key, action: 'payout_requested', target, amount: body.amount, userId: user!.id }, async (payments) => {
      const deps = { ...domain, payments }
      return payout(deps, project, {
        paymentId,
        amount: body.amount,
        currency: body.currency,
        description: body.description || undefined,
        customerId: body.destination.type === 'card' ? body.destination.customer_id : undefined,
        callbackUrl: undefined,
        destination: await destinationOf(app, project, body.destination),
        params: { source: 'dashboard', ...(body.destination.type === 'wallet' ? { account_number: body.destination.account } : {}) },
      })
    })
    if (!replayed) {
      await journal(deps, entry({
        action: 'payout_requested', projectId: project.id, target: paymentId,
        after: { operation_id: result.operation.id, status: result.operation.status, code: result.operation.code, amount: result.operation.amount, currency: result.operation.currency, destination: body.destination.type, payment_status: result.payment_status },
      }))
    }
    return { ...result, payment_id: paymentId }
  })
}

// A saved card is opened only for its own customer (saved-card.ts), as the Gate's token payout does.
async function destinationOf(app: AppDeps, project: Project, destination: PayoutBody['destination']): Promise<PayoutDestination> {
  if (destination.type === 'wallet') return { method: 'jeton', account: destination.account }
  const saved = await openSavedCard(app, project, destination.account_token, destination.customer_id)
  return { method: 'card', card: saved.card, accountToken: saved.record.token }
}
