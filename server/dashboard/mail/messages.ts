import { CURRENCY_EXPONENTS, type Currency } from '../../../protocol/money.ts'
import type { DashboardLanguage } from '../../../protocol/schemas/dashboard/common.ts'
import type { MailMessage } from './mailer.ts'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The one mail layout: the lines, a button with the link (and the link in clear in the text part), a footer. */
/** An amount in minor units as a mail writes it: the currency's own decimals (ISO 4217 exponent), never a guessed 2. */
export function mailMoney(amount: number, currency: Currency, locale: string): string {
  const exponent = CURRENCY_EXPONENTS[currency]
  return new Intl.NumberFormat(locale, { style: 'currency', currency, minimumFractionDigits: exponent, maximumFractionDigits: exponent }).format(amount / 10 ** exponent)
}

export function layout(to: string, subject: string, lines: string[], link: { url: string; label: string }, footer: string): MailMessage {
  const text = [...lines, '', link.url, '', footer].join('\n')
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#111827;line-height:1.5">
${lines.map((l) => `<p>${esc(l)}</p>`).join('\n')}
<p><a href="${esc(link.url)}" style="display:inline-block;padding:10px 16px;background:#1f4fd1;color:#fff;border-radius:6px;text-decoration:none">${esc(link.label)}</a></p>
<p style="color:#555b66;font-size:14px">${esc(footer)}</p></body></html>`
  return { to, subject, text, html }
}

const TEXT = {
  en: {
    resetSubject: 'Reset your EPay dashboard password',
    reset: (email: string) => [`Someone asked to reset the password of ${email} on the EPay dashboard.`, 'The link below works once, for 30 minutes.'],
    resetButton: 'Choose a new password',
    resetFooter: 'If it was not you, ignore this message: your password stays as it is.',
    inviteSubject: (org: string) => `You are invited to ${org} on EPay`,
    invite: (org: string, by: string, role: string) => [`${by} invited you to the EPay dashboard of ${org} as ${role}.`, 'The link below works once, for 7 days.'],
    inviteButton: 'Accept the invitation',
    inviteFooter: 'If you did not expect this, ignore this message.',
  },
  ru: {
    resetSubject: 'Сброс пароля в кабинете EPay',
    reset: (email: string) => [`Кто-то запросил сброс пароля для ${email} в кабинете EPay.`, 'Ссылка ниже действует один раз в течение 30 минут.'],
    resetButton: 'Задать новый пароль',
    resetFooter: 'Если это были не вы, просто проигнорируйте письмо: пароль не изменится.',
    inviteSubject: (org: string) => `Приглашение в ${org} в EPay`,
    invite: (org: string, by: string, role: string) => [`${by} приглашает вас в кабинет EPay организации ${org} с ролью «${role}».`, 'Ссылка ниже действует один раз в течение 7 дней.'],
    inviteButton: 'Принять приглашение',
    inviteFooter: 'Если вы не ждали этого письма, проигнорируйте его.',
  },
} as const

const ROLE_NAMES = {
  en: { owner: 'owner', admin: 'administrator', manager: 'manager', viewer: 'viewer', developer: 'developer' },
  ru: { owner: 'владелец', admin: 'администратор', manager: 'менеджер', viewer: 'наблюдатель', developer: 'разработчик' },
} as const

/** The password reset mail with its single-use link. */
export function resetMail(lang: DashboardLanguage, to: string, url: string): MailMessage {
  const t = TEXT[lang]
  return layout(to, t.resetSubject, [...t.reset(to)], { url, label: t.resetButton }, t.resetFooter)
}

/** The invitation mail with its single-use link. */
export function inviteMail(lang: DashboardLanguage, to: string, url: string, org: string, by: string, role: keyof (typeof ROLE_NAMES)['en']): MailMessage {
  const t = TEXT[lang]
  return layout(to, t.inviteSubject(org), [...t.invite(org, by, ROLE_NAMES[lang][role])], { url, label: t.inviteButton }, t.inviteFooter)
}

const REPORT_TEXT = {
  en: {
    subject: (report: string, from: string, to: string) => `EPay report: ${report}, ${from === to ? from : `${from} – ${to}`}`,
    kinds: { operations: 'operations', statistics: 'statistics' },
    cadences: { daily: 'daily', weekly: 'weekly', monthly: 'monthly' },
    modes: { test: 'test payments', live: 'live payments' },
    lines: (cadence: string, report: string, from: string, to: string, tz: string, mode: string, file: string, by: string) => [
      `Your ${cadence} report of ${report} for ${from === to ? from : `${from} – ${to}`} (${tz}, ${mode}) is attached: ${file}.`,
      `${by} subscribed this address in the EPay dashboard.`,
    ],
    button: 'Manage subscriptions',
    footer: 'To stop these mails, pause or delete the subscription on the Reports screen.',
  },
  ru: {
    subject: (report: string, from: string, to: string) => `Отчёт EPay: ${report}, ${from === to ? from : `${from} – ${to}`}`,
    kinds: { operations: 'операции', statistics: 'статистика' },
    cadences: { daily: 'Ежедневный', weekly: 'Еженедельный', monthly: 'Ежемесячный' },
    modes: { test: 'тестовые платежи', live: 'реальные платежи' },
    lines: (cadence: string, report: string, from: string, to: string, tz: string, mode: string, file: string, by: string) => [
      `${cadence} отчёт «${report}» за ${from === to ? from : `${from} – ${to}`} (${tz}, ${mode}) — во вложении: ${file}.`,
      `Этот адрес подписал ${by} в кабинете EPay.`,
    ],
    button: 'Управлять подписками',
    footer: 'Чтобы письма больше не приходили, приостановите или удалите подписку на экране «Отчёты».',
  },
} as const

/** A subscribed report: what it covers in the text, the file attached. */
export function reportMail(
  lang: DashboardLanguage,
  to: string,
  r: { report: 'operations' | 'statistics'; cadence: 'daily' | 'weekly' | 'monthly'; from: string; to: string; tz: string; mode: 'test' | 'live'; by: string },
  file: { filename: string; content: Uint8Array; contentType: string },
  url: string,
): MailMessage {
  const t = REPORT_TEXT[lang]
  const kind = t.kinds[r.report]
  const lines = t.lines(t.cadences[r.cadence], kind, r.from, r.to, r.tz, t.modes[r.mode], file.filename, r.by)
  return { ...layout(to, t.subject(kind, r.from, r.to), [...lines], { url, label: t.button }, t.footer), attachments: [file] }
}
