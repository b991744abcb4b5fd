import * as v from 'valibot'
import * as auth from './auth.ts'
import { BalanceViewSchema, PayoutBodySchema, PayoutListQuerySchema, PayoutListSchema, PayoutResultSchema } from './balance.ts'
import { OkSchema } from './common.ts'
import { HomeQuerySchema, HomeViewSchema } from './home.ts'
import * as inv from './invoices.ts'
import { JournalPageSchema, JournalQuerySchema, JournalVerifySchema } from './journal.ts'
import { DevMailSchema } from './mail.ts'
import * as pay from './payments.ts'
import { PaymentExportListSchema, PaymentExportRequestSchema, PaymentExportStartSchema } from './payment-exports.ts'
import { LimitsBodySchema, ProjectCreateBodySchema, ProjectListSchema, ProjectSecretSchema, ProjectSettingsPatchSchema, ProjectViewSchema, RotateSecretBodySchema } from './projects.ts'
import { ConnectionBodySchema, ConnectionViewSchema } from './connection.ts'
import { ReconciliationQuerySchema, ReconciliationViewSchema } from './reconciliation.ts'
import * as note from './notifications.ts'
import { ReportListSchema, ReportRequestSchema, ReportViewSchema } from './reports.ts'
import { SubscriptionBodySchema, SubscriptionListSchema, SubscriptionPatchSchema, SubscriptionViewSchema } from './subscriptions.ts'
import * as onb from './onboarding.ts'
import { InviteBodySchema, MemberViewSchema, TeamViewSchema, UpdateMemberBodySchema } from './team.ts'

/** One JSON endpoint of `/api/dashboard/*`: the server validates with these schemas, the client parses with them. */
export type Endpoint = {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  body?: v.GenericSchema
  query?: v.GenericSchema
  response: v.GenericSchema
}

const e = <const E extends Endpoint>(endpoint: E) => endpoint

/**
 * Every endpoint of the dashboard API (SPEC §14). Paths hold `:project` or `:member` or
 * `:session` parameters; the server checks the signed-in user's role and scope on each.
 */
export const ENDPOINTS = {
  signIn: e({ method: 'POST', path: '/api/dashboard/auth/sign-in', body: auth.SignInBodySchema, response: auth.SignInResultSchema }),
  secondFactor: e({ method: 'POST', path: '/api/dashboard/auth/second-factor', body: auth.SecondFactorBodySchema, response: auth.SignInResultSchema }),
  signOut: e({ method: 'POST', path: '/api/dashboard/auth/sign-out', response: OkSchema }),
  resetRequest: e({ method: 'POST', path: '/api/dashboard/auth/password-reset', body: auth.ResetRequestBodySchema, response: OkSchema }),
  resetConfirm: e({ method: 'POST', path: '/api/dashboard/auth/password-reset/confirm', body: auth.ResetConfirmBodySchema, response: OkSchema }),
  // POST, so the link's token never sits in a URL (logs, Referer).
  invitation: e({ method: 'POST', path: '/api/dashboard/auth/invitation/view', body: auth.InvitationQuerySchema, response: auth.InvitationViewSchema }),
  acceptInvitation: e({ method: 'POST', path: '/api/dashboard/auth/invitation', body: auth.AcceptInvitationBodySchema, response: OkSchema }),

  me: e({ method: 'GET', path: '/api/dashboard/me', response: auth.MeViewSchema }),
  setLanguage: e({ method: 'PUT', path: '/api/dashboard/me/language', body: auth.LanguageBodySchema, response: OkSchema }),
  changePassword: e({ method: 'POST', path: '/api/dashboard/me/password', body: auth.ChangePasswordBodySchema, response: OkSchema }),
  sessions: e({ method: 'GET', path: '/api/dashboard/me/sessions', response: auth.SessionListSchema }),
  revokeSession: e({ method: 'DELETE', path: '/api/dashboard/me/sessions/:session', response: OkSchema }),
  totpStart: e({ method: 'POST', path: '/api/dashboard/me/totp', response: auth.TotpEnrolmentSchema }),
  totpConfirm: e({ method: 'POST', path: '/api/dashboard/me/totp/confirm', body: auth.TotpConfirmBodySchema, response: auth.RecoveryCodesSchema }),
  totpDisable: e({ method: 'POST', path: '/api/dashboard/me/totp/disable', body: auth.PasswordConfirmBodySchema, response: OkSchema }),
  recoveryCodes: e({ method: 'POST', path: '/api/dashboard/me/recovery-codes', body: auth.PasswordConfirmBodySchema, response: auth.RecoveryCodesSchema }),

  home: e({ method: 'GET', path: '/api/dashboard/home', query: HomeQuerySchema, response: HomeViewSchema }),

  projects: e({ method: 'GET', path: '/api/dashboard/projects', response: ProjectListSchema }),
  createProject: e({ method: 'POST', path: '/api/dashboard/projects', body: ProjectCreateBodySchema, response: ProjectSecretSchema }),
  project: e({ method: 'GET', path: '/api/dashboard/projects/:project', response: ProjectViewSchema }),
  updateProject: e({ method: 'PATCH', path: '/api/dashboard/projects/:project', body: ProjectSettingsPatchSchema, response: ProjectViewSchema }),
  setLimits: e({ method: 'PUT', path: '/api/dashboard/projects/:project/limits', body: LimitsBodySchema, response: ProjectViewSchema }),
  connection: e({ method: 'GET', path: '/api/dashboard/projects/:project/connection', response: ConnectionViewSchema }),
  connect: e({ method: 'PUT', path: '/api/dashboard/projects/:project/connection', body: ConnectionBodySchema, response: ConnectionViewSchema }),
  disconnect: e({ method: 'DELETE', path: '/api/dashboard/projects/:project/connection', response: ConnectionViewSchema }),
  /** The daily reconciliation with the upstream (issue 14 item 3): runs, and one day's mismatches. */
  reconciliation: e({ method: 'GET', path: '/api/dashboard/projects/:project/reconciliation', query: ReconciliationQuerySchema, response: ReconciliationViewSchema }),
  rotateSecret: e({ method: 'POST', path: '/api/dashboard/projects/:project/rotate-secret', body: RotateSecretBodySchema, response: ProjectSecretSchema }),

  team: e({ method: 'GET', path: '/api/dashboard/team', response: TeamViewSchema }),
  invite: e({ method: 'POST', path: '/api/dashboard/team/invitations', body: InviteBodySchema, response: MemberViewSchema }),
  updateMember: e({ method: 'PUT', path: '/api/dashboard/team/:member', body: UpdateMemberBodySchema, response: MemberViewSchema }),
  disableMember: e({ method: 'POST', path: '/api/dashboard/team/:member/disable', response: MemberViewSchema }),
  enableMember: e({ method: 'POST', path: '/api/dashboard/team/:member/enable', response: MemberViewSchema }),
  resetMemberTotp: e({ method: 'POST', path: '/api/dashboard/team/:member/reset-totp', response: MemberViewSchema }),

  journal: e({ method: 'GET', path: '/api/dashboard/journal', query: JournalQuerySchema, response: JournalPageSchema }),
  verifyJournal: e({ method: 'GET', path: '/api/dashboard/journal/verify', response: JournalVerifySchema }),
  /** CSV (text/csv), not JSON: the screen links to it with the current filters. */
  exportJournal: e({ method: 'GET', path: '/api/dashboard/journal/export.csv', query: JournalQuerySchema, response: v.string() }),

  payments: e({ method: 'GET', path: '/api/dashboard/payments', query: pay.PaymentListQuerySchema, response: pay.PaymentListSchema }),
  /** CSV and XLSX files, not JSON: the screen links to them with the current filters. */
  exportPaymentsCsv: e({ method: 'GET', path: '/api/dashboard/payments/export.csv', query: pay.PaymentExportQuerySchema, response: v.string() }),
  exportPaymentsXlsx: e({ method: 'GET', path: '/api/dashboard/payments/export.xlsx', query: pay.PaymentExportQuerySchema, response: v.string() }),
  /** Asks for an export: a small one is a link to the files above, a large one or a PDF a background job. */
  startPaymentExport: e({ method: 'POST', path: '/api/dashboard/payments/exports', body: PaymentExportRequestSchema, response: PaymentExportStartSchema }),
  paymentExports: e({ method: 'GET', path: '/api/dashboard/payments/exports', response: PaymentExportListSchema }),
  /** The file a background export made (CSV, XLSX or PDF), not JSON. */
  paymentExportFile: e({ method: 'GET', path: '/api/dashboard/payments/exports/:export/file', response: v.string() }),
  paymentColumns: e({ method: 'GET', path: '/api/dashboard/me/payment-columns', response: pay.ColumnsSchema }),
  setPaymentColumns: e({ method: 'PUT', path: '/api/dashboard/me/payment-columns', body: pay.ColumnsSchema, response: pay.ColumnsSchema }),
  payment: e({ method: 'GET', path: '/api/dashboard/projects/:project/payments/:payment', response: pay.PaymentDetailSchema }),
  refund: e({ method: 'POST', path: '/api/dashboard/projects/:project/payments/:payment/refund', body: pay.RefundBodySchema, response: pay.ActionResultSchema }),
  capture: e({ method: 'POST', path: '/api/dashboard/projects/:project/payments/:payment/capture', body: pay.CaptureBodySchema, response: pay.ActionResultSchema }),
  cancel: e({ method: 'POST', path: '/api/dashboard/projects/:project/payments/:payment/cancel', body: pay.CancelBodySchema, response: pay.ActionResultSchema }),
  resendCallback: e({ method: 'POST', path: '/api/dashboard/projects/:project/payments/:payment/callbacks/:callback/resend', response: OkSchema }),

  invoices: e({ method: 'GET', path: '/api/dashboard/invoices', query: inv.InvoiceListQuerySchema, response: inv.InvoiceListSchema }),
  createInvoice: e({ method: 'POST', path: '/api/dashboard/projects/:project/invoices', body: inv.InvoiceCreateBodySchema, response: inv.InvoiceViewSchema }),
  invoice: e({ method: 'GET', path: '/api/dashboard/projects/:project/invoices/:invoice', response: inv.InvoiceDetailSchema }),
  cancelInvoice: e({ method: 'POST', path: '/api/dashboard/projects/:project/invoices/:invoice/cancel', response: inv.InvoiceViewSchema }),
  sendInvoice: e({ method: 'POST', path: '/api/dashboard/projects/:project/invoices/:invoice/send', body: inv.InvoiceSendBodySchema, response: inv.InvoiceViewSchema }),
  balance: e({ method: 'GET', path: '/api/dashboard/balance', response: BalanceViewSchema }),
  payouts: e({ method: 'GET', path: '/api/dashboard/payouts', query: PayoutListQuerySchema, response: PayoutListSchema }),
  requestPayout: e({ method: 'POST', path: '/api/dashboard/projects/:project/payouts', body: PayoutBodySchema, response: PayoutResultSchema }),

  reports: e({ method: 'GET', path: '/api/dashboard/reports', response: ReportListSchema }),
  createReport: e({ method: 'POST', path: '/api/dashboard/reports', body: ReportRequestSchema, response: ReportViewSchema }),
  /** The made file (CSV or XLSX), not JSON. */
  reportFile: e({ method: 'GET', path: '/api/dashboard/reports/:report/file', response: v.string() }),
  subscriptions: e({ method: 'GET', path: '/api/dashboard/report-subscriptions', response: SubscriptionListSchema }),
  subscribe: e({ method: 'POST', path: '/api/dashboard/report-subscriptions', body: SubscriptionBodySchema, response: SubscriptionViewSchema }),
  updateSubscription: e({ method: 'PATCH', path: '/api/dashboard/report-subscriptions/:subscription', body: SubscriptionPatchSchema, response: SubscriptionViewSchema }),
  deleteSubscription: e({ method: 'DELETE', path: '/api/dashboard/report-subscriptions/:subscription', response: OkSchema }),

  // Onboarding (issue 13 item 7). Registration answers 404 `not_found` unless EPAY_SIGNUP=1.
  signUpStatus: e({ method: 'GET', path: '/api/dashboard/auth/sign-up', response: onb.SignUpStatusSchema }),
  signUp: e({ method: 'POST', path: '/api/dashboard/auth/sign-up', body: onb.SignUpBodySchema, response: OkSchema }),
  // POST, so the link's token never sits in a URL (logs, Referer).
  signUpView: e({ method: 'POST', path: '/api/dashboard/auth/sign-up/view', body: onb.SignUpTokenSchema, response: onb.SignUpViewSchema }),
  verifySignUp: e({ method: 'POST', path: '/api/dashboard/auth/sign-up/verify', body: onb.VerifySignUpBodySchema, response: onb.VerifySignUpResultSchema }),
  goLive: e({ method: 'GET', path: '/api/dashboard/projects/:project/go-live', response: onb.GoLiveViewSchema }),
  /** multipart/form-data with one file in `document` (PDF, PNG or JPEG, at most 10 MB), not JSON. */
  uploadDocument: e({ method: 'POST', path: '/api/dashboard/projects/:project/go-live/documents', response: onb.DocumentViewSchema }),
  deleteDocument: e({ method: 'DELETE', path: '/api/dashboard/projects/:project/go-live/documents/:document', response: OkSchema }),
  requestGoLive: e({ method: 'POST', path: '/api/dashboard/projects/:project/go-live', body: onb.GoLiveBodySchema, response: onb.GoLiveRequestViewSchema }),
  /** The file itself, always as an attachment; for platform operators and the organisation's owners. */
  document: e({ method: 'GET', path: '/api/dashboard/documents/:document', response: v.string() }),
  platformOrgs: e({ method: 'GET', path: '/api/dashboard/platform/organisations', response: onb.PlatformOrgListSchema }),
  platformOrg: e({ method: 'GET', path: '/api/dashboard/platform/organisations/:org', response: onb.PlatformOrgDetailSchema }),
  suspendOrg: e({ method: 'POST', path: '/api/dashboard/platform/organisations/:org/suspend', body: onb.DecisionReasonSchema, response: onb.PlatformOrgDetailSchema }),
  reinstateOrg: e({ method: 'POST', path: '/api/dashboard/platform/organisations/:org/reinstate', response: onb.PlatformOrgDetailSchema }),
  approveGoLive: e({ method: 'POST', path: '/api/dashboard/platform/go-live/:request/approve', response: onb.GoLiveRequestViewSchema }),
  rejectGoLive: e({ method: 'POST', path: '/api/dashboard/platform/go-live/:request/reject', body: onb.DecisionReasonSchema, response: onb.GoLiveRequestViewSchema }),

  notifications: e({ method: 'GET', path: '/api/dashboard/notifications', query: note.NotificationQuerySchema, response: note.NotificationPageSchema }),
  unreadNotifications: e({ method: 'GET', path: '/api/dashboard/notifications/unread', response: note.UnreadCountSchema }),
  readNotification: e({ method: 'POST', path: '/api/dashboard/notifications/:notification/read', response: note.UnreadCountSchema }),
  readAllNotifications: e({ method: 'POST', path: '/api/dashboard/notifications/read-all', response: note.UnreadCountSchema }),
  notificationSettings: e({ method: 'GET', path: '/api/dashboard/me/notification-settings', response: note.NotificationSettingsSchema }),
  setNotificationSettings: e({ method: 'PUT', path: '/api/dashboard/me/notification-settings', body: note.NotificationSettingsSchema, response: note.NotificationSettingsSchema }),
  /** The organisation's own: the large-refund threshold (owners and admins change it, every member reads it). */
  orgNotificationSettings: e({ method: 'GET', path: '/api/dashboard/organisation/notification-settings', response: note.OrgNotificationSettingsSchema }),
  setOrgNotificationSettings: e({ method: 'PUT', path: '/api/dashboard/organisation/notification-settings', body: note.OrgNotificationSettingsBodySchema, response: note.OrgNotificationSettingsSchema }),

  devMail: e({ method: 'GET', path: '/api/dashboard/dev/mail', response: DevMailSchema }),
} as const satisfies Record<string, Endpoint>

export type EndpointName = keyof typeof ENDPOINTS

/** The header every mutating call carries with the session's CSRF token. */
export const CSRF_HEADER = 'x-epay-csrf'
