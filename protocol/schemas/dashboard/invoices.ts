import * as v from 'valibot'
import { CurrencySchema, MinorAmountSchema } from '../../money.ts'
import { DASHBOARD_LANGUAGES, EmailSchema, TimestampSchema } from './common.ts'
import { PaymentRowSchema } from './payments.ts'

/**
 * States of an invoice (SPEC §14). `paid`: a payment of a single-use invoice succeeded (a
 * reusable one stays `active` and collects payments); `expired`: past its expiry unpaid;
 * `cancelled`: by the merchant's staff.
 */
export const INVOICE_STATUSES = ['active', 'paid', 'expired', 'cancelled'] as const
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number]

/** Public invoice ids: `inv_` and 128 random bits, the whole secret of the link. */
export const InvoiceIdSchema = v.pipe(v.string(), v.regex(/^inv_[A-Za-z0-9_-]{22}$/, 'must be an invoice id'))

// Every text goes into the signed Payment Page parameters, where `;` and control characters are
// refused (SPEC §3): refused here first, with the field named.
const signable = (max: number) =>
  v.optional(v.pipe(v.string(), v.trim(), v.maxLength(max, `must be at most ${max} characters`), v.regex(/^[^;\u0000-\u001f\u007f]*$/, 'must not hold ";" or control characters')))

/** A new invoice: the amount in minor units; no expiry means the link works until cancelled. */
export const InvoiceCreateBodySchema = v.object({
  amount: MinorAmountSchema,
  currency: CurrencySchema,
  description: signable(1000),
  customer_email: v.optional(EmailSchema),
  customer_phone: v.optional(v.pipe(v.string(), v.trim(), v.regex(/^\+?[0-9][0-9 ()-]{4,31}$/, 'must be a phone number'))),
  expires_at: v.optional(TimestampSchema),
  reusable: v.boolean(),
})
export type InvoiceCreateBody = v.InferOutput<typeof InvoiceCreateBodySchema>

/** Filters of the invoices list, all in the URL: status, project, creation period. */
export const InvoiceListQuerySchema = v.object({
  status: v.optional(v.picklist(INVOICE_STATUSES, 'unknown status')),
  project: v.optional(v.pipe(v.string(), v.regex(/^[1-9]\d{0,15}$/, 'must be a project id'), v.transform(Number))),
  from: v.optional(TimestampSchema),
  to: v.optional(TimestampSchema),
  cursor: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,120}$/, 'is not a cursor this list returned'))),
})
export const INVOICE_FILTERS = ['status', 'project', 'from', 'to'] as const

export const InvoiceViewSchema = v.object({
  id: InvoiceIdSchema,
  project_id: v.number(),
  amount: v.number(),
  currency: CurrencySchema,
  description: v.nullable(v.string()),
  customer_email: v.nullable(v.string()),
  customer_phone: v.nullable(v.string()),
  reusable: v.boolean(),
  expires_at: v.nullable(TimestampSchema),
  status: v.picklist(INVOICE_STATUSES),
  created_at: TimestampSchema,
  paid_at: v.nullable(TimestampSchema),
  /** EPay's id of the payment that paid a single-use invoice. */
  paid_payment: v.nullable(v.string()),
  /** Successful payments made from the link (several for a reusable invoice). */
  paid_count: v.number(),
  /** The link the shopper opens: `<public URL>/invoice/<id>`; it carries no secret and no signature. */
  url: v.string(),
  last_sent_to: v.nullable(v.string()),
  last_sent_at: v.nullable(TimestampSchema),
})
export type InvoiceView = v.InferOutput<typeof InvoiceViewSchema>

export const InvoiceListSchema = v.object({ invoices: v.array(InvoiceViewSchema), next_cursor: v.nullable(v.string()) })
export type InvoiceList = v.InferOutput<typeof InvoiceListSchema>

export const InvoiceDetailSchema = v.object({
  invoice: InvoiceViewSchema,
  project_name: v.string(),
  /** The link as a QR code (SVG), drawn on the server so the dashboard bundle carries no QR encoder. */
  qr_svg: v.string(),
  /** Payments made from the link, newest first. */
  payments: v.array(PaymentRowSchema),
  /** What the signed-in user may do now; the server checks again on the call. */
  actions: v.object({ cancel: v.boolean(), send: v.boolean() }),
})
export type InvoiceDetail = v.InferOutput<typeof InvoiceDetailSchema>

/** Mail the link: to the invoice's customer email unless another address is given, in a language of the dashboard. */
export const InvoiceSendBodySchema = v.object({
  email: v.optional(EmailSchema),
  language: v.picklist(DASHBOARD_LANGUAGES, 'unknown language'),
})
