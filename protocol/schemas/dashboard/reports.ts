import * as v from 'valibot'
import { ProjectIdSchema } from './common.ts'
import { HOME_MODES, LocalDateSchema, TimeZoneSchema, periodDays } from './home.ts'

/** Operations: one row per operation. Statistics: counts and sums per day, project, currency, method, type and status. */
export const REPORT_KINDS = ['operations', 'statistics'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]
export const REPORT_FORMATS = ['csv', 'xlsx'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]
/** The longest period one report covers, in days. */
export const MAX_REPORT_DAYS = 366

/** A report to make: the period as the user's dates (both inclusive) in their time zone. */
export const ReportRequestSchema = v.pipe(
  v.object({
    report: v.picklist(REPORT_KINDS),
    format: v.picklist(REPORT_FORMATS),
    from: LocalDateSchema,
    to: LocalDateSchema,
    tz: TimeZoneSchema,
    mode: v.picklist(HOME_MODES),
    project: v.optional(ProjectIdSchema),
  }),
  v.check((q) => q.from <= q.to, 'from must not be after to'),
  v.check((q) => periodDays(q.from, q.to) <= MAX_REPORT_DAYS, `a report covers at most ${MAX_REPORT_DAYS} days`),
)
export type ReportRequest = v.InferOutput<typeof ReportRequestSchema>

export const REPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const

export const ReportViewSchema = v.object({
  id: v.string(),
  report: v.picklist(REPORT_KINDS),
  format: v.picklist(REPORT_FORMATS),
  from: v.string(),
  to: v.string(),
  tz: v.string(),
  mode: v.picklist(HOME_MODES),
  project: v.nullable(v.number()),
  status: v.picklist(REPORT_STATUSES),
  created_at: v.string(),
  finished_at: v.nullable(v.string()),
  /** Until when the file can be downloaded (7 days after it was made). */
  expires_at: v.nullable(v.string()),
  size: v.nullable(v.number()),
  /** Where to download the file, once it is made. */
  file_url: v.nullable(v.string()),
})
export type ReportView = v.InferOutput<typeof ReportViewSchema>

export const ReportListSchema = v.object({ reports: v.array(ReportViewSchema) })
