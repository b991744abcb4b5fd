import type * as v from 'valibot'
import type { ExportFormat } from '../../../protocol/schemas/dashboard/payment-exports.ts'
import type { PaymentListQuerySchema } from '../../../protocol/schemas/dashboard/payments.ts'
import type { Job } from '../../jobs/job-store.ts'
import type { JobOutput } from '../../jobs/job-worker.ts'
import type { Sql } from '../../storage/sql.ts'
import { paymentsCsv, paymentsPdf, paymentsXlsx } from './payment-export.ts'
import { paymentFilter } from './payment-query.ts'

/** The job kind of a background payments export. */
export const PAYMENT_EXPORT_JOB = 'payments_export'

/** What an export job was asked for, with the projects the asking user could see at that moment. */
export type PaymentExportParams = {
  format: ExportFormat
  tz: string | undefined
  list: v.InferOutput<typeof PaymentListQuerySchema>
  /** `null`: every project (a platform operator); otherwise the user's scope then. */
  projects: number[] | null
}

export const EXPORT_TYPES = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
} as const satisfies Record<ExportFormat, string>

/** Makes the file of a background export: the same writers as the streamed downloads. */
export function paymentExportFile(sql: Sql, job: Job, onError: (error: unknown) => void): JobOutput {
  const p = job.params as PaymentExportParams
  const filter = paymentFilter(p.list, p.projects ?? undefined)
  const body = p.format === 'csv' ? paymentsCsv(sql, filter, p.tz)
    : p.format === 'xlsx' ? paymentsXlsx(sql, filter, p.tz, onError)
    : paymentsPdf(sql, filter, p.tz, job.createdAt, onError)
  return { fileName: `epay-payments-${job.id}.${p.format}`, contentType: EXPORT_TYPES[p.format], body: body as AsyncIterable<Uint8Array> }
}
