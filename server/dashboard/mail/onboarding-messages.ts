import type { DashboardLanguage } from '../../../protocol/schemas/dashboard/common.ts'
import type { MailMessage } from './mailer.ts'
import { layout } from './messages.ts'

const TEXT = {
  en: {
    verifySubject: 'Confirm your email for EPay',
    verify: (org: string) => [`Someone registered ${org} on EPay with this address.`, 'Confirm it to choose your password; your organisation and a first project in test mode are created then. The link works once, for 24 hours.'],
    verifyButton: 'Confirm and choose a password',
    verifyFooter: 'If it was not you, ignore this message: nothing is created without the link.',
    existsSubject: 'You already have an EPay account',
    exists: (email: string) => [`Someone tried to register ${email} on EPay, but this address already has an account.`, 'Sign in instead; if you forgot the password, ask for a new one on the sign-in page.'],
    existsButton: 'Sign in',
    existsFooter: 'If it was not you, ignore this message: your account stays as it is.',
    approvedSubject: (project: string) => `${project} is live on EPay`,
    approved: (project: string) => [`Your request to go live with ${project} was approved: the project is now in live mode.`, 'Live payments need a connection to your acquirer (the project page, Connection); until it is set, live payments are refused.'],
    rejectedSubject: (project: string) => `Your go-live request for ${project} was declined`,
    rejected: (project: string, reason: string) => [`Your request to go live with ${project} was declined. The platform said:`, reason, 'The project stays in test mode. You can upload new documents and ask again.'],
    decisionButton: 'Open the project',
    decisionFooter: 'You receive this because you own the organisation on EPay.',
  },
  ru: {
    verifySubject: 'Подтвердите адрес почты для EPay',
    verify: (org: string) => [`Кто-то зарегистрировал ${org} в EPay с этим адресом.`, 'Подтвердите его и задайте пароль — тогда будут созданы организация и первый проект в тестовом режиме. Ссылка действует один раз в течение 24 часов.'],
    verifyButton: 'Подтвердить и задать пароль',
    verifyFooter: 'Если это были не вы, проигнорируйте письмо: без ссылки ничего не создаётся.',
    existsSubject: 'У вас уже есть учётная запись EPay',
    exists: (email: string) => [`Кто-то пытался зарегистрировать ${email} в EPay, но с этим адресом уже есть учётная запись.`, 'Войдите в неё; если забыли пароль, запросите новый на странице входа.'],
    existsButton: 'Войти',
    existsFooter: 'Если это были не вы, проигнорируйте письмо: учётная запись не изменится.',
    approvedSubject: (project: string) => `Проект ${project} переведён в боевой режим EPay`,
    approved: (project: string) => [`Ваша заявка на боевой режим для ${project} одобрена: проект теперь в боевом режиме.`, 'Для боевых платежей нужно подключение к вашему эквайеру (страница проекта, «Подключение»); пока его нет, боевые платежи отклоняются.'],
    rejectedSubject: (project: string) => `Заявка на боевой режим для ${project} отклонена`,
    rejected: (project: string, reason: string) => [`Ваша заявка на боевой режим для ${project} отклонена. Причина:`, reason, 'Проект остаётся в тестовом режиме. Можно загрузить новые документы и подать заявку снова.'],
    decisionButton: 'Открыть проект',
    decisionFooter: 'Вы получили это письмо как владелец организации в EPay.',
  },
} as const

/** The registration mail with its single-use verification link. */
export function verifySignupMail(lang: DashboardLanguage, to: string, url: string, org: string): MailMessage {
  const t = TEXT[lang]
  return layout(to, t.verifySubject, [...t.verify(org)], { url, label: t.verifyButton }, t.verifyFooter)
}

/** What an address that already has an account gets instead of a second account. */
export function accountExistsMail(lang: DashboardLanguage, to: string, url: string): MailMessage {
  const t = TEXT[lang]
  return layout(to, t.existsSubject, [...t.exists(to)], { url, label: t.existsButton }, t.existsFooter)
}

/** A go-live decision for an owner of the organisation. */
export function goLiveDecisionMail(lang: DashboardLanguage, to: string, url: string, d: { project: string; decision: 'approved' | 'rejected'; reason: string | null }): MailMessage {
  const t = TEXT[lang]
  return d.decision === 'approved'
    ? layout(to, t.approvedSubject(d.project), [...t.approved(d.project)], { url, label: t.decisionButton }, t.decisionFooter)
    : layout(to, t.rejectedSubject(d.project), [...t.rejected(d.project, d.reason ?? '')], { url, label: t.decisionButton }, t.decisionFooter)
}
