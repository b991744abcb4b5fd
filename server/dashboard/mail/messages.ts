import type { DashboardLanguage } from '../../../protocol/schemas/dashboard/common.ts'
import type { MailMessage } from './mailer.ts'

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** The shared shape of dashboard mail: lines, one button, a quiet footer; text and HTML. */
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
