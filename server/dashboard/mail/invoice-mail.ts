import type { Currency } from '../../../protocol/money.ts'
import type { DashboardLanguage } from '../../../protocol/schemas/dashboard/common.ts'
import type { MailMessage } from './mailer.ts'
import { layout, mailMoney } from './messages.ts'

type InvoiceMailFacts = { merchant: string; amount: number; currency: Currency; description: string | undefined; expiresAt: Date | undefined; url: string }

const TEXT = {
  en: {
    subject: (merchant: string, amount: string) => `Invoice from ${merchant}: ${amount}`,
    lines: (merchant: string, amount: string) => [`${merchant} asks you to pay ${amount}.`],
    purpose: (text: string) => `For: ${text}`,
    until: (date: string) => `The link works until ${date}.`,
    button: 'Pay now',
    footer: 'You pay on the secure EPay payment page. If you did not expect this invoice, ignore this message.',
  },
  ru: {
    subject: (merchant: string, amount: string) => `Счёт от ${merchant}: ${amount}`,
    lines: (merchant: string, amount: string) => [`${merchant} просит вас оплатить ${amount}.`],
    purpose: (text: string) => `Назначение: ${text}`,
    until: (date: string) => `Ссылка действует до ${date}.`,
    button: 'Оплатить',
    footer: 'Оплата проходит на защищённой платёжной странице EPay. Если вы не ждали этого счёта, проигнорируйте письмо.',
  },
} as const

const LOCALES = { en: 'en-GB', ru: 'ru-RU' } as const

/**
 * The invoice mail: who asks, how much, what for, until when, and the link. The amount is
 * written from minor units in the currency's own exponent (ISO 4217), never rounded.
 */
export function invoiceMail(lang: DashboardLanguage, to: string, facts: InvoiceMailFacts): MailMessage {
  const t = TEXT[lang]
  const amount = mailMoney(facts.amount, facts.currency, LOCALES[lang])
  const lines: string[] = [...t.lines(facts.merchant, amount)]
  if (facts.description) lines.push(t.purpose(facts.description))
  // The shopper's zone is unknown here: the time is written in UTC and says so.
  if (facts.expiresAt) lines.push(t.until(`${new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(facts.expiresAt)} UTC`))
  return layout(to, t.subject(facts.merchant, amount), lines, { url: facts.url, label: t.button }, t.footer)
}
