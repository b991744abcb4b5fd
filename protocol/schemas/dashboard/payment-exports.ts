import * as v from 'valibot'
import { PaymentExportQuerySchema } from './payments.ts'

export const EXPORT_FORMATS = ['csv', 'xlsx', 'pdf'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]
/**
 * Above this many rows a CSV or XLSX export is made in the background rather than streamed to
 * the browser; a PDF always is (laying out text costs milliseconds a row).
 */
export const DIRECT_EXPORT_ROWS = 10_000

/** An export of the payments list: its filters and time zone, as the list's file links take them, and the format. */
export const PaymentExportRequestSchema = v.object({ ...PaymentExportQuerySchema.entries, format: v.picklist(EXPORT_FORMATS) })

export const PaymentExportViewSchema = v.object({
  id: v.string(),
  format: v.picklist(EXPORT_FORMATS),
  status: v.picklist(['queued', 'running', 'done', 'failed']),
  created_at: v.string(),
  finished_at: v.nullable(v.string()),
  /** Until when the file can be downloaded (7 days after it was made). */
  expires_at: v.nullable(v.string()),
  size: v.nullable(v.number()),
  file_name: v.nullable(v.string()),
  file_url: v.nullable(v.string()),
})
export type PaymentExportView = v.InferOutput<typeof PaymentExportViewSchema>

/**
 * What asking for an export gives: a small CSV or XLSX is `direct` (the browser downloads the
 * streamed file at `url`); a large one, and any PDF, is a background `job` to wait for.
 */
export const PaymentExportStartSchema = v.variant('mode', [
  v.object({ mode: v.literal('direct'), url: v.string() }),
  v.object({ mode: v.literal('job'), export: PaymentExportViewSchema }),
])
export type PaymentExportStart = v.InferOutput<typeof PaymentExportStartSchema>

export const PaymentExportListSchema = v.object({ exports: v.array(PaymentExportViewSchema) })
