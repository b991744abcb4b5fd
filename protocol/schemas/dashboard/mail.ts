import * as v from 'valibot'
import { TimestampSchema } from './common.ts'

/** Mail kept in demo mode without SMTP (`/dashboard/dev/mail`). */
export const DevMailSchema = v.object({
  messages: v.array(v.object({ id: v.string(), to: v.string(), subject: v.string(), text: v.string(), created_at: TimestampSchema })),
})
export type DevMail = v.InferOutput<typeof DevMailSchema>
