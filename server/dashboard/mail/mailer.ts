import { randomBytes } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { DevMail } from '../../../protocol/schemas/dashboard/mail.ts'
import type { Logger } from '../../logger.ts'
import type { Sql } from '../../storage/sql.ts'

/** One email: plain text always, HTML beside it; files attached (demo mode keeps the text only). */
export type MailMessage = { to: string; subject: string; text: string; html: string; attachments?: MailAttachment[] }
export type MailAttachment = { filename: string; content: Uint8Array; contentType: string }

/** Sends dashboard mail; `kept` lists what demo mode stored instead of sending. */
export type Mailer = {
  send(message: MailMessage): Promise<void>
  /** Demo mode without SMTP: mail is kept in the database (`/dashboard/dev/mail`). */
  readonly keepsMail: boolean
  kept(limit: number): Promise<DevMail['messages']>
}

/**
 * Real SMTP through nodemailer when `smtpUrl` is set (smtp:// or smtps://, credentials in the
 * URL); else, in demo mode, mail is kept in the database to be read at /dashboard/dev/mail;
 * else it is dropped with a warning, because links to accounts must not end up in logs.
 */
export function createMailer(options: { smtpUrl: string | undefined; from: string; demo: boolean; sql: Sql; logger: Logger; clock: { now(): Date } }): Mailer {
  const { sql, logger } = options
  const transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined
  const keepsMail = !transport && options.demo
  return {
    keepsMail,
    async send(message) {
      if (transport) {
        await transport.sendMail({
          from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html,
          attachments: message.attachments?.map((a) => ({ filename: a.filename, content: Buffer.from(a.content), contentType: a.contentType })),
        })
        return
      }
      if (keepsMail) {
        await sql.query('INSERT INTO dashboard_mail (id, to_address, subject, text_body, created_at) VALUES ($1, $2, $3, $4, $5)', [
          `mail_${randomBytes(9).toString('base64url')}`, message.to, message.subject, message.text, options.clock.now(),
        ])
        return
      }
      logger.warn('dashboard mail not sent: SMTP_URL is not set', { subject: message.subject })
    },
    async kept(limit) {
      if (!keepsMail) return []
      const rows = await sql.query('SELECT * FROM dashboard_mail ORDER BY created_at DESC, id DESC LIMIT $1', [limit])
      return rows.map((r) => ({ id: String(r['id']), to: String(r['to_address']), subject: String(r['subject']), text: String(r['text_body']), created_at: new Date(r['created_at'] as string).toISOString() }))
    },
  }
}
