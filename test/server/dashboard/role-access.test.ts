import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CSRF_HEADER, ENDPOINTS, type EndpointName } from '../../../protocol/schemas/dashboard/endpoints.ts'
import { seedPayments } from '../../../server/storage/seed-payments.ts'
import { testDatabases } from '../../fixtures/databases.ts'
import { dashboardApp, ORIGIN, type Agent, type DashboardTestApp } from '../../fixtures/dashboard.ts'

// Every dashboard endpoint × every role × a target in the user's scope, one outside it (same
// organisation) and one of another organisation: the expected answers are written out here,
// by hand, from SPEC §14 — never read from the server's permission table.
//
// Organisation A has projects 5001 and 5002; organisation B has 6001. admin, manager, viewer
// and developer are narrowed to 5001; owner and admin_all have every project of A; platform
// belongs to no organisation. Member targets: a viewer of 5001 (in), a viewer of 5002 (out),
// a viewer of organisation B (other). 200 = allowed, 403 = the role may not, 404 = not visible.
//
// To add an endpoint: add a row with its request and the expected answers (a test below fails
// for an endpoint with neither a row nor a reason in WITHOUT_ROW).

const ACTORS = ['owner', 'admin', 'admin_all', 'manager', 'viewer', 'developer', 'platform'] as const
type Actor = (typeof ACTORS)[number]
type Target = 'in' | 'out' | 'other'
type Expect = Record<Actor, number | [number, number, number]>
type Row = { endpoint: string; request: (target: Target | undefined, n: number, actor: Actor) => { method: string; path: string; body?: unknown; form?: FormData }; expect: Expect }

const P = { in: 5001, out: 5002, other: 6001 } as const
let members: Record<Target, string>
// Per project: a paid payment (refunds of 1 minor unit), authorisations to capture or void (one
// per call), and a callback of the paid payment to resend.
let payments: Record<Target, { paid: string; callback: string; authorised: string[] }>
// A spare session of each actor (theirs to end), and sessions of members in and out of scope.
// Per project: active invoices, one per call that may cancel or mail one.
let invoices: Record<Target, string[]>
let spare: Record<Actor, string>
let foreignSessions: Record<'out' | 'other', string>
// Onboarding (issue 13 item 7): organisation ids per target, go-live documents (one to download
// per target, some waiting to be removed), and in a third organisation C two waiting requests
// to decide and an organisation to suspend without touching A's sessions.
let orgs: Record<Target, string>
let docs: Record<Target, { shown: string; waiting: string[] }>
let orgC: string
let pendingRequests: { approve: string; reject: string }
const PDF = new TextEncoder().encode('%PDF-1.4\n%%EOF\n')
const pdfForm = () => {
  const form = new FormData()
  form.append('document', new File([PDF], 'licence.pdf', { type: 'application/pdf' }))
  return form
}

const project = (method: string, suffix = '', body?: unknown) => (t: Target | undefined) => ({ method, path: `/api/dashboard/projects/${P[t!]}${suffix}`, body })
const member = (method: string, suffix = '', body?: unknown) => (t: Target | undefined) => ({ method, path: `/api/dashboard/team/${members[t!]}${suffix}`, body })
const plain = (method: string, path: string, body?: unknown) => () => ({ method, path, body })
const paid = (method: string, suffix: string, body?: (n: number) => unknown) => (t: Target | undefined, n: number) =>
  ({ method, path: `/api/dashboard/projects/${P[t!]}/payments/${payments[t!].paid}${suffix}`, body: body?.(n) })
const authorised = (suffix: string, body: (n: number) => unknown) => (t: Target | undefined, n: number) =>
  ({ method: 'POST', path: `/api/dashboard/projects/${P[t!]}/payments/${payments[t!].authorised.pop()!}${suffix}`, body: body(n) })
const invoice = (method: string, suffix: string, body?: unknown) => (t: Target | undefined) =>
  ({ method, path: `/api/dashboard/projects/${P[t!]}/invoices/${invoices[t!].pop()!}${suffix}`, body })
const key = (n: number) => `role-table-key-${String(n).padStart(6, '0')}`

const ROWS: Row[] = [
  { endpoint: 'GET /projects', request: plain('GET', '/api/dashboard/projects'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'POST /projects', request: (_t, n) => ({ method: 'POST', path: '/api/dashboard/projects', body: { name: `New ${n}` } }),
    expect: { owner: 200, admin: 403, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 403 } },
  { endpoint: 'GET /projects/:project', request: project('GET'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [200, 404, 404], platform: [200, 200, 200] } },
  { endpoint: 'PATCH /projects/:project', request: project('PATCH', '', { callback_url: 'https://shop.example/callbacks' }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [200, 404, 404], platform: [403, 403, 403] } },
  { endpoint: 'PUT /projects/:project/limits', request: project('PUT', '/limits', { limits: [] }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /projects/:project/rotate-secret', request: project('POST', '/rotate-secret', { revoke_old: false }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [200, 404, 404], platform: [403, 403, 403] } },
  { endpoint: 'GET /projects/:project/connection', request: project('GET', '/connection'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [200, 404, 404], platform: [200, 200, 200] } },
  // Where live money goes: owners and admins only (issue 14), never a developer or the platform.
  { endpoint: 'PUT /projects/:project/connection', request: project('PUT', '/connection', { provider: 'ecommpay-gate', url: 'https://gate.example', upstream_project_id: 112, methods: ['card'], secret: 'upstream-secret' }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'DELETE /projects/:project/connection', request: project('DELETE', '/connection'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  // Operations and their amounts, as the payments list shows them: whoever reads payments (issue 14 item 3).
  { endpoint: 'GET /projects/:project/reconciliation', request: project('GET', '/reconciliation'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [200, 404, 404], platform: [200, 200, 200] } },
  { endpoint: 'GET /team', request: plain('GET', '/api/dashboard/team'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'POST /team/invitations', request: (_t, n) => ({ method: 'POST', path: '/api/dashboard/team/invitations', body: { email: `invitee-${n}@example.com`, role: 'viewer', projects: [P.in] } }),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 403 } },
  // Each member keeps their own scope, so later rows still see the same three targets.
  { endpoint: 'PUT /team/:member', request: (t) => ({ ...member('PUT')(t), body: { role: 'viewer', projects: [t === 'out' ? P.out : P.in] } }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /team/:member/disable', request: member('POST', '/disable'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /team/:member/enable', request: member('POST', '/enable'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /team/:member/reset-totp', request: member('POST', '/reset-totp'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'GET /journal', request: plain('GET', '/api/dashboard/journal'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'GET /journal/verify', request: plain('GET', '/api/dashboard/journal/verify'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'GET /journal/export.csv', request: plain('GET', '/api/dashboard/journal/export.csv'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'GET /home', request: (t) => ({ method: 'GET', path: `/api/dashboard/home?from=2026-03-01&to=2026-03-31&tz=Europe/Berlin&project=${P[t!]}` }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [403, 403, 403], platform: [200, 200, 200] } },
  { endpoint: 'GET /reports', request: plain('GET', '/api/dashboard/reports'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 403, platform: 200 } },
  { endpoint: 'POST /reports', request: (t) => ({ method: 'POST', path: '/api/dashboard/reports', body: { report: 'operations', format: 'csv', from: '2026-03-01', to: '2026-03-31', tz: 'Europe/Berlin', mode: 'test', project: P[t!] } }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [403, 403, 403], platform: [200, 200, 200] } },
  // Someone else's report (or none): not even confirmed to exist; developers are refused first.
  { endpoint: 'GET /reports/:report/file', request: plain('GET', '/api/dashboard/reports/999999/file'),
    expect: { owner: 404, admin: 404, admin_all: 404, manager: 404, viewer: 404, developer: 403, platform: 404 } },
  // Balance is money, as Home is: developers get none. A payout moves money: owners and managers only.
  { endpoint: 'GET /balance', request: plain('GET', '/api/dashboard/balance'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 403, platform: 200 } },
  { endpoint: 'GET /payouts', request: plain('GET', '/api/dashboard/payouts'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 403, platform: 200 } },
  { endpoint: 'POST /projects/:project/payouts', request: (t, n) => ({ method: 'POST', path: `/api/dashboard/projects/${P[t!]}/payouts`, body: { idempotency_key: key(n), amount: 100, currency: 'EUR', destination: { type: 'wallet', account: 'JT0000000001' } } }),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [200, 404, 404], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'GET /report-subscriptions', request: plain('GET', '/api/dashboard/report-subscriptions'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 403, platform: 200 } },
  { endpoint: 'POST /report-subscriptions', request: (t) => ({ method: 'POST', path: '/api/dashboard/report-subscriptions', body: { report: 'statistics', format: 'xlsx', mode: 'test', cadence: 'weekly', hour: 8, tz: 'Europe/Berlin', recipients: ['books@a.example'], project: P[t!] } }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [403, 403, 403], platform: [200, 200, 200] } },
  // Someone else's subscription (or none): not even confirmed to exist; developers are refused first.
  { endpoint: 'PATCH /report-subscriptions/:subscription', request: plain('PATCH', '/api/dashboard/report-subscriptions/999999', { active: false }),
    expect: { owner: 404, admin: 404, admin_all: 404, manager: 404, viewer: 404, developer: 403, platform: 404 } },
  { endpoint: 'DELETE /report-subscriptions/:subscription', request: plain('DELETE', '/api/dashboard/report-subscriptions/999999'),
    expect: { owner: 404, admin: 404, admin_all: 404, manager: 404, viewer: 404, developer: 403, platform: 404 } },
  { endpoint: 'GET /me', request: plain('GET', '/api/dashboard/me'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'GET /me/sessions', request: plain('GET', '/api/dashboard/me/sessions'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'PUT /me/language', request: plain('PUT', '/api/dashboard/me/language', { language: 'ru' }),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'POST /me/totp', request: plain('POST', '/api/dashboard/me/totp'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  // Own sessions only: another member's session id is as unknown as a made-up one.
  { endpoint: 'DELETE /me/sessions/:session', request: (t, _n, actor) => ({ method: 'DELETE', path: `/api/dashboard/me/sessions/${t === 'in' ? spare[actor] : foreignSessions[t as 'out' | 'other']}` }),
    expect: { owner: [200, 404, 404], admin: [200, 404, 404], admin_all: [200, 404, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [200, 404, 404], platform: [200, 404, 404] } },

  // Payments (issue 12). Lists and exports cover the projects a user sees (scope is a filter there,
  // shown in payments.test.ts); a payment is reached through its project. Money moves only by
  // owners and managers; a callback is resent by money and integration roles.
  { endpoint: 'GET /payments', request: plain('GET', '/api/dashboard/payments'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'GET /payments/export.csv', request: plain('GET', '/api/dashboard/payments/export.csv'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'GET /payments/export.xlsx', request: plain('GET', '/api/dashboard/payments/export.xlsx'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  // A PDF is always a background job: every role that reads payments may ask for one.
  { endpoint: 'POST /payments/exports', request: plain('POST', '/api/dashboard/payments/exports', { format: 'pdf', tz: 'UTC' }),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'GET /payments/exports', request: plain('GET', '/api/dashboard/payments/exports'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  // Someone else's export (or none): not even confirmed to exist.
  { endpoint: 'GET /payments/exports/:export/file', request: plain('GET', '/api/dashboard/payments/exports/999999/file'),
    expect: { owner: 404, admin: 404, admin_all: 404, manager: 404, viewer: 404, developer: 404, platform: 404 } },
  { endpoint: 'GET /me/payment-columns', request: plain('GET', '/api/dashboard/me/payment-columns'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'PUT /me/payment-columns', request: plain('PUT', '/api/dashboard/me/payment-columns', { columns: ['created_at', 'amount'] }),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'GET /projects/:project/payments/:payment', request: paid('GET', ''),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [200, 404, 404], platform: [200, 200, 200] } },
  { endpoint: 'POST /projects/:project/payments/:payment/refund', request: paid('POST', '/refund', (n) => ({ idempotency_key: key(n), amount: 1, reason: 'role table' })),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [200, 404, 404], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /projects/:project/payments/:payment/capture', request: authorised('/capture', (n) => ({ idempotency_key: key(n) })),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [200, 404, 404], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /projects/:project/payments/:payment/cancel', request: authorised('/cancel', (n) => ({ idempotency_key: key(n), reason: 'role table' })),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [200, 404, 404], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  // The role is checked once the project is found, so a viewer is told 404 for what they cannot see.
  { endpoint: 'POST /projects/:project/payments/:payment/callbacks/:callback/resend', request: (t) => paid('POST', `/callbacks/${payments[t!].callback}/resend`)(t, 0),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [403, 404, 404], developer: [200, 404, 404], platform: [403, 403, 403] } },
  // Invoices (issue 12 item 6): seen by whoever sees payments; created, mailed and cancelled only
  // by those who move money (owners and managers), within their scope.
  { endpoint: 'GET /invoices', request: plain('GET', '/api/dashboard/invoices'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'POST /projects/:project/invoices', request: project('POST', '/invoices', { amount: 1500, currency: 'EUR', reusable: false }),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [200, 404, 404], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'GET /projects/:project/invoices/:invoice', request: (t) => ({ method: 'GET', path: `/api/dashboard/projects/${P[t!]}/invoices/${invoices[t!][0]}` }),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [200, 404, 404], platform: [200, 200, 200] } },
  { endpoint: 'POST /projects/:project/invoices/:invoice/send', request: invoice('POST', '/send', { email: 'shopper@example.com', language: 'en' }),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [200, 404, 404], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /projects/:project/invoices/:invoice/cancel', request: invoice('POST', '/cancel'),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [200, 404, 404], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  // Onboarding (issue 13 item 7). Going live is the owner's; deciding it the platform's alone.
  { endpoint: 'GET /projects/:project/go-live', request: project('GET', '/go-live'),
    expect: { owner: [200, 200, 404], admin: [200, 404, 404], admin_all: [200, 200, 404], manager: [200, 404, 404], viewer: [200, 404, 404], developer: [200, 404, 404], platform: [200, 200, 200] } },
  { endpoint: 'POST /projects/:project/go-live/documents', request: (t) => ({ method: 'POST', path: `/api/dashboard/projects/${P[t!]}/go-live/documents`, form: pdfForm() }),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'DELETE /projects/:project/go-live/documents/:document', request: (t) => ({ method: 'DELETE', path: `/api/dashboard/projects/${P[t!]}/go-live/documents/${docs[t!].waiting.pop()!}` }),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  { endpoint: 'POST /projects/:project/go-live', request: project('POST', '/go-live', { note: 'role table' }),
    expect: { owner: [200, 200, 404], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [403, 403, 403] } },
  // Documents are the organisation's owners' and the platform's: anyone else is told 404.
  { endpoint: 'GET /documents/:document', request: (t) => ({ method: 'GET', path: `/api/dashboard/documents/${docs[t!].shown}` }),
    expect: { owner: [200, 200, 404], admin: [404, 404, 404], admin_all: [404, 404, 404], manager: [404, 404, 404], viewer: [404, 404, 404], developer: [404, 404, 404], platform: [200, 200, 200] } },
  { endpoint: 'GET /platform/organisations', request: plain('GET', '/api/dashboard/platform/organisations'),
    expect: { owner: 403, admin: 403, admin_all: 403, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'GET /platform/organisations/:org', request: (t) => ({ method: 'GET', path: `/api/dashboard/platform/organisations/${orgs[t!]}` }),
    expect: { owner: [403, 403, 403], admin: [403, 403, 403], admin_all: [403, 403, 403], manager: [403, 403, 403], viewer: [403, 403, 403], developer: [403, 403, 403], platform: [200, 200, 200] } },
  { endpoint: 'POST /platform/go-live/:request/approve', request: () => ({ method: 'POST', path: `/api/dashboard/platform/go-live/${pendingRequests.approve}/approve` }),
    expect: { owner: 403, admin: 403, admin_all: 403, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'POST /platform/go-live/:request/reject', request: () => ({ method: 'POST', path: `/api/dashboard/platform/go-live/${pendingRequests.reject}/reject`, body: { reason: 'role table' } }),
    expect: { owner: 403, admin: 403, admin_all: 403, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'POST /platform/organisations/:org/suspend', request: () => ({ method: 'POST', path: `/api/dashboard/platform/organisations/${orgC}/suspend`, body: { reason: 'role table' } }),
    expect: { owner: 403, admin: 403, admin_all: 403, manager: 403, viewer: 403, developer: 403, platform: 200 } },
  { endpoint: 'POST /platform/organisations/:org/reinstate', request: () => ({ method: 'POST', path: `/api/dashboard/platform/organisations/${orgC}/reinstate` }),
    expect: { owner: 403, admin: 403, admin_all: 403, manager: 403, viewer: 403, developer: 403, platform: 200 } },

  // Notifications (issue 13 item 6): every signed-in user reads and marks their own; who gets an
  // event is decided when it is fanned out (notifications.test.ts), so there is no role to refuse.
  { endpoint: 'GET /notifications', request: plain('GET', '/api/dashboard/notifications'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'GET /notifications/unread', request: plain('GET', '/api/dashboard/notifications/unread'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  // Not the caller's (or none): not even confirmed to exist.
  { endpoint: 'POST /notifications/:notification/read', request: plain('POST', '/api/dashboard/notifications/999999/read'),
    expect: { owner: 404, admin: 404, admin_all: 404, manager: 404, viewer: 404, developer: 404, platform: 404 } },
  { endpoint: 'POST /notifications/read-all', request: plain('POST', '/api/dashboard/notifications/read-all'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'GET /me/notification-settings', request: plain('GET', '/api/dashboard/me/notification-settings'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  { endpoint: 'PUT /me/notification-settings', request: plain('PUT', '/api/dashboard/me/notification-settings', { email: { callback_failed: false, payout_declined: true, refund_large: true, go_live_decided: true, report_ready: true, reconciliation_mismatch: true } }),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
  // The organisation's large-refund threshold: read by every member (the screen shows it), not
  // by the platform, which has no organisation; changed by owners and admins over the whole
  // organisation only — an admin narrowed to one project would change what the others are told.
  { endpoint: 'GET /organisation/notification-settings', request: plain('GET', '/api/dashboard/organisation/notification-settings'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 404 } },
  { endpoint: 'PUT /organisation/notification-settings', request: (_t, n) => ({ method: 'PUT', path: '/api/dashboard/organisation/notification-settings', body: { large_refund_major: 1000 + n } }),
    expect: { owner: 200, admin: 403, admin_all: 200, manager: 403, viewer: 403, developer: 403, platform: 403 } },
  // Last: it ends each actor's session.
  { endpoint: 'POST /auth/sign-out', request: plain('POST', '/api/dashboard/auth/sign-out'),
    expect: { owner: 200, admin: 200, admin_all: 200, manager: 200, viewer: 200, developer: 200, platform: 200 } },
]

// Endpoints without a row, and why: no session yet (public), or only the caller's own account
// behind their current password or code (test/server/dashboard/security.test.ts, sign-in.test.ts).
const WITHOUT_ROW: Partial<Record<EndpointName, string>> = {
  signIn: 'public', secondFactor: 'public (the half-signed-in session of sign-in)', resetRequest: 'public', resetConfirm: 'public',
  invitation: 'public', acceptInvitation: 'public', devMail: 'public, demo mode only',
  signUpStatus: 'public', signUp: 'public (test/server/dashboard/onboarding.test.ts)', signUpView: 'public', verifySignUp: 'public',
  changePassword: 'own account', totpConfirm: 'own account', totpDisable: 'own account', recoveryCodes: 'own account',
}

describe('dashboard role × endpoint table', () => {
  // The list of endpoints, not their permissions, comes from the code: a new endpoint without a
  // row (or a stated reason) fails here.
  it('has a row for every endpoint of the dashboard API', () => {
    const rows = new Set(ROWS.map((r) => r.endpoint))
    const missing = (Object.entries(ENDPOINTS) as Array<[EndpointName, (typeof ENDPOINTS)[EndpointName]]>)
      .filter(([name]) => !WITHOUT_ROW[name])
      .map(([, e]) => `${e.method} ${e.path.replace('/api/dashboard', '')}`)
      .filter((name) => !rows.has(name))
    expect(missing).toEqual([])
  })
})

describe.each(testDatabases())('dashboard role × endpoint access ($name)', (db) => {
  let t: DashboardTestApp
  const agents = {} as Record<Actor, Agent>
  let n = 0

  beforeAll(async () => {
    t = await dashboardApp(await db.open())
    const a = await t.org('Alpha Shops')
    const b = await t.org('Beta Foods')
    await t.project(P.in, a)
    await t.project(P.out, a)
    await t.project(P.other, b)
    const scoped = [P.in]
    const users = {
      owner: await t.user('owner@alpha.example', 'owner', a),
      admin: await t.user('admin@alpha.example', 'admin', a, scoped),
      admin_all: await t.user('admin-all@alpha.example', 'admin', a),
      manager: await t.user('manager@alpha.example', 'manager', a, scoped),
      viewer: await t.user('viewer@alpha.example', 'viewer', a, scoped),
      developer: await t.user('developer@alpha.example', 'developer', a, scoped),
      platform: await t.user('ops@epay.example', 'platform', null),
    }
    for (const actor of ACTORS) agents[actor] = await t.signedIn(users[actor])
    spare = {} as Record<Actor, string>
    for (const actor of ACTORS) spare[actor] = (await t.d.sessions.open({ userId: users[actor].id, pendingTotp: false, ip: '198.51.100.8', userAgent: 'vitest', now: t.deps.clock.now() })).session.id
    members = {
      in: (await t.user('member-in@alpha.example', 'viewer', a, [P.in])).id,
      out: (await t.user('member-out@alpha.example', 'viewer', a, [P.out])).id,
      other: (await t.user('member@beta.example', 'viewer', b)).id,
    }
    // Users no other row touches (the team rows disable members, which ends their sessions).
    const sessionOf = async (userId: string) => (await t.d.sessions.open({ userId, pendingTotp: false, ip: '198.51.100.9', userAgent: 'vitest', now: t.deps.clock.now() })).session.id
    foreignSessions = {
      out: await sessionOf((await t.user('colleague@alpha.example', 'viewer', a)).id),
      other: await sessionOf((await t.user('stranger@beta.example', 'viewer', b)).id),
    }

    // A year of payments in each project (every status, with their operations and postings).
    payments = {} as typeof payments
    for (const [i, target] of (['in', 'out', 'other'] as const).entries()) {
      await seedPayments(t.sql, { count: 800, projectIds: [P[target]], now: t.deps.clock.now(), tag: 40 + i })
      const [paidRow] = await t.sql.query<{ id: string }>(
        `SELECT id FROM payments WHERE project_id = $1 AND test AND status = 'success' AND operation_type = 'sale' AND method = 'card' AND amount >= 100 ORDER BY id LIMIT 1`, [P[target]])
      const auths = await t.sql.query<{ id: string }>(`SELECT id FROM payments WHERE project_id = $1 AND test AND method = 'card' AND status = 'awaiting capture' ORDER BY id LIMIT 14`, [P[target]])
      expect(auths).toHaveLength(14)
      const [op] = await t.sql.query<{ id: string }>(`SELECT id FROM operations WHERE payment_row_id = $1 ORDER BY id LIMIT 1`, [paidRow!.id])
      const callback = `cb_role_table_${target}`
      await t.sql.query(
        `INSERT INTO callback_outbox (id, project_id, payment_row_id, operation_id, url, payload, status, attempts, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, 'http://127.0.0.1:9/callbacks', '{}', 'failed', 5, $5, $5)`,
        [callback, P[target], paidRow!.id, op!.id, t.deps.clock.now()],
      )
      payments[target] = { paid: paidRow!.id, callback, authorised: auths.map((r) => r.id) }
    }
    invoices = { in: [], out: [], other: [] }
    for (const target of ['in', 'out', 'other'] as const) {
      for (let i = 0; i < 16; i++) {
        const now = t.deps.clock.now()
        const made = await t.d.invoices.create({
          id: `inv_role_table_${target.padEnd(8, '_')}_${String(i).padStart(2, '0')}`, projectId: P[target], amount: 1500, currency: 'EUR', description: undefined, customerEmail: undefined,
          customerPhone: undefined, reusable: false, expiresAt: undefined, status: 'active', version: 0, opened: 0, paidPaymentRowId: undefined, paidAt: undefined,
          createdBy: undefined, createdAt: now, updatedAt: now, lastSentTo: undefined, lastSentAt: undefined,
        })
        invoices[target].push(made.id)
      }
    }
    orgs = { in: a, out: a, other: b }
    const document = async (projectId: number, orgId: string, by: string) => (await t.d.goLive.addDocument({
      id: `doc_role_${++n}_${projectId}`, orgId, projectId, fileName: 'licence.pdf', contentType: 'application/pdf', size: PDF.length, sha256: 'x', data: PDF, uploadedBy: by, now: t.deps.clock.now(),
    })).id
    const ownerB = await t.user('owner@beta.example', 'owner', b)
    docs = {} as typeof docs
    for (const target of ['in', 'out', 'other'] as const) {
      const by = target === 'other' ? ownerB.id : users.owner.id
      const orgId = orgs[target]
      const shown = await document(P[target], orgId, by)
      // Sent with a request, so removing waiting documents never takes it.
      await t.d.goLive.open({ id: `glr_role_shown_${target}`, orgId, projectId: P[target], note: null, by, now: t.deps.clock.now() })
      await t.d.goLive.decide({ id: `glr_role_shown_${target}`, status: 'rejected', by: users.platform.id, reason: 'role table setup', now: t.deps.clock.now() })
      docs[target] = { shown, waiting: [] }
      for (let i = 0; i < ACTORS.length; i++) docs[target].waiting.push(await document(P[target], orgId, by))
    }
    orgC = await t.org('Gamma Travel')
    const ownerC = await t.user('owner@gamma.example', 'owner', orgC)
    pendingRequests = { approve: 'glr_role_approve', reject: 'glr_role_reject' }
    for (const [i, id] of [pendingRequests.approve, pendingRequests.reject].entries()) {
      await t.project(7001 + i, orgC)
      await document(7001 + i, orgC, ownerC.id)
      await t.d.goLive.open({ id, orgId: orgC, projectId: 7001 + i, note: null, by: ownerC.id, now: t.deps.clock.now() })
    }
  }, 300_000)
  afterAll(() => t.sql.close())

  it.each(ROWS.map((row) => [row.endpoint, row] as const))('%s answers each role as SPEC §14 says', async (_name, row) => {
    const actual = {} as Expect
    for (const actor of ACTORS) {
      const perTarget = Array.isArray(row.expect[actor])
      const statuses: number[] = []
      for (const target of perTarget ? (['in', 'out', 'other'] as const) : [undefined]) {
        const { method, path, body, form } = row.request(target, ++n, actor)
        const agent = agents[actor]
        const res = form
          ? await t.app.request(`${ORIGIN}${path}`, { method, headers: { origin: ORIGIN, cookie: agent.cookie, [CSRF_HEADER]: agent.csrf }, body: form })
          : await t.call(agent, method, path, body)
        statuses.push(res.status)
      }
      actual[actor] = perTarget ? (statuses as [number, number, number]) : statuses[0]!
    }
    expect(actual).toEqual(row.expect)
  })
})
