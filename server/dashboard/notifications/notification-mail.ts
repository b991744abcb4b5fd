import { isCurrency } from '../../../protocol/money.ts'
import type { DashboardLanguage } from '../../../protocol/schemas/dashboard/common.ts'
import type { NotificationKind } from '../../../protocol/schemas/dashboard/notifications.ts'
import { layout, mailMoney } from '../mail/messages.ts'
import type { MailMessage } from '../mail/mailer.ts'

/** What a notification mail is made from: the event as stored, and where the reader's dashboard is. */
export type NotificationMailInput = {
  to: string
  language: DashboardLanguage
  kind: NotificationKind
  params: Record<string, unknown>
  project: string | undefined
  publicUrl: string
}

type Words = {
  subject: Record<NotificationKind, (project: string) => string>
  body: Record<NotificationKind, (a: { project: string; payment: string; money: string; code: string; status: string; decision: boolean; day: string; mismatches: string }) => string>
  button: string
  footer: string
}

const WORDS: Record<DashboardLanguage, Words> = {
  en: {
    subject: {
      callback_failed: (p) => `Callback not delivered: ${p}`,
      payout_declined: (p) => `Payout declined: ${p}`,
      refund_large: (p) => `Large refund made: ${p}`,
      go_live_decided: (p) => `Go-live decision: ${p}`,
      report_ready: () => 'Your EPay report is ready',
      reconciliation_mismatch: (p) => `Reconciliation mismatches: ${p}`,
    },
    body: {
      callback_failed: (a) => `The callback for payment ${a.payment} of ${a.project} was not delivered after its last retry${a.status ? ` (last answer: HTTP ${a.status})` : ''}. You can send it again from the payment's page.`,
      payout_declined: (a) => `A payout of ${a.money} (payment ${a.payment}) from ${a.project} was declined${a.code ? ` with code ${a.code}` : ''}.`,
      refund_large: (a) => `A refund of ${a.money} was made on payment ${a.payment} of ${a.project}.`,
      go_live_decided: (a) => (a.decision ? `${a.project} was approved to go live.` : `${a.project} was not approved to go live yet.`),
      report_ready: () => 'The report you asked for is ready to download for 7 days.',
      reconciliation_mismatch: (a) => `The reconciliation of ${a.project} with its upstream for ${a.day} (UTC) found ${a.mismatches} operation(s) whose local and upstream records disagree. See the project's Reconciliation tab.`,
    },
    button: 'Open the notifications',
    footer: 'You get this email because of your notification settings in the EPay dashboard.',
  },
  ru: {
    subject: {
      callback_failed: (p) => `Callback не доставлен: ${p}`,
      payout_declined: (p) => `Выплата отклонена: ${p}`,
      refund_large: (p) => `Крупный возврат: ${p}`,
      go_live_decided: (p) => `Решение о боевом режиме: ${p}`,
      report_ready: () => 'Ваш отчёт EPay готов',
      reconciliation_mismatch: (p) => `Расхождения при сверке: ${p}`,
    },
    body: {
      callback_failed: (a) => `Callback по платежу ${a.payment} проекта ${a.project} не доставлен после последней попытки${a.status ? ` (последний ответ: HTTP ${a.status})` : ''}. Его можно отправить повторно со страницы платежа.`,
      payout_declined: (a) => `Выплата ${a.money} (платёж ${a.payment}) проекта ${a.project} отклонена${a.code ? ` с кодом ${a.code}` : ''}.`,
      refund_large: (a) => `По платежу ${a.payment} проекта ${a.project} сделан возврат ${a.money}.`,
      go_live_decided: (a) => (a.decision ? `Проект ${a.project} допущен к боевому режиму.` : `Проект ${a.project} пока не допущен к боевому режиму.`),
      report_ready: () => 'Запрошенный отчёт готов, его можно скачать в течение 7 дней.',
      reconciliation_mismatch: (a) => `Сверка проекта ${a.project} с вышестоящим шлюзом за ${a.day} (UTC) нашла расхождений: ${a.mismatches}. Подробности — на вкладке «Сверка» проекта.`,
    },
    button: 'Открыть уведомления',
    footer: 'Вы получили это письмо по настройкам уведомлений в кабинете EPay.',
  },
}

/** The mail for one notification, in the reader's language. */
export function notificationMail(input: NotificationMailInput): MailMessage {
  const w = WORDS[input.language]
  const p = input.params
  const project = input.project ?? ''
  const str = (k: string) => (typeof p[k] === 'string' || typeof p[k] === 'number' ? String(p[k]) : '')
  const lines = [w.body[input.kind]({ project, payment: str('payment_id'), money: money(p['amount'], p['currency'], input.language), code: str('code'), status: str('http_status'), decision: p['decision'] === 'approved', day: str('day'), mismatches: str('mismatches') })]
  return layout(input.to, w.subject[input.kind](project), lines, { url: `${input.publicUrl}/dashboard/notifications`, label: w.button }, w.footer)
}

// The event's stored amount, when it carries one.
function money(amount: unknown, currency: unknown, language: DashboardLanguage): string {
  if (typeof amount !== 'number' || typeof currency !== 'string' || !isCurrency(currency)) return ''
  return mailMoney(amount, currency, language)
}
