import { holderDeadSql } from '../storage/lease-holder.ts'
import { recordNotificationEvent } from '../storage/notification-events.ts'
import { optional, optionalDate, toSafeInt, type Sql } from '../storage/sql.ts'

export type JobStatus = 'queued' | 'running' | 'done' | 'failed'

export type Job = {
  id: number
  kind: string
  orgId: string | undefined
  userId: string | undefined
  params: Record<string, unknown>
  status: JobStatus
  attempts: number
  fileName: string | undefined
  contentType: string | undefined
  size: number | undefined
  error: string | undefined
  createdAt: Date
  finishedAt: Date | undefined
  expiresAt: Date | undefined
}

/** A finished file is kept this long, then removed with its pieces. */
export const JOB_FILE_DAYS = 7
/** A job that failed this many times (its process died while running it) is given up. */
export const JOB_MAX_ATTEMPTS = 3

const COLUMNS = 'id, kind, org_id, user_id, params, status, attempts, file_name, content_type, size, error, created_at, finished_at, expires_at'

/** What a finished job left behind: its file, by pieces in order. */
export type JobFile = { fileName: string; contentType: string; size: number }

/**
 * The job table (migration 0022). Claims record this process's lease-holder id; another
 * process takes a running job over only once that holder is dead, and every write after the
 * claim is a compare-and-set on the holder, so a job outlived by its process is finished once.
 */
export function jobStore(sql: Sql) {
  return {
    async enqueue(job: { kind: string; orgId: string | undefined; userId: string | undefined; params: Record<string, unknown> }, now: Date): Promise<Job> {
      const rows = await sql.query(
        `INSERT INTO jobs (kind, org_id, user_id, params, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
        [job.kind, job.orgId ?? null, job.userId ?? null, JSON.stringify(job.params), now],
      )
      return toJob(rows[0]!)
    },

    /** The oldest job no live process holds, now held by this one (its earlier pieces dropped). */
    async claim(now: Date): Promise<Job | undefined> {
      const me = await sql.leaseHolder()
      return sql.transaction(async (tx) => {
        const rows = await tx.query(
          `SELECT id FROM jobs
            WHERE status = 'queued' OR (status = 'running' AND ${holderDeadSql(sql, 'holder', '$1')})
            ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`,
          [me],
        )
        const id = rows[0]?.['id']
        if (id === undefined) return undefined
        // A job whose process died mid-file starts its file again.
        await tx.query('DELETE FROM job_file_chunks WHERE job_id = $1', [id])
        const claimed = await tx.query(
          `UPDATE jobs SET status = 'running', holder = $2, attempts = attempts + 1, started_at = $3
            WHERE id = $1 RETURNING ${COLUMNS}`,
          [id, me, now],
        )
        return toJob(claimed[0]!)
      })
    },

    /** Appends a piece of the file, only while this process still holds the job. */
    async appendChunk(jobId: number, seq: number, data: Uint8Array): Promise<boolean> {
      const me = await sql.leaseHolder()
      const rows = await sql.query(
        `INSERT INTO job_file_chunks (job_id, seq, data)
           SELECT id, $2, $3 FROM jobs WHERE id = $1 AND status = 'running' AND holder = $4
         RETURNING seq`,
        [jobId, seq, data, me],
      )
      return rows.length === 1
    },

    /** Marks the job done; a finished report tells its maker, in the same transaction. */
    async finish(jobId: number, file: JobFile, now: Date): Promise<boolean> {
      const me = await sql.leaseHolder()
      const expires = new Date(now.getTime() + JOB_FILE_DAYS * 86_400_000)
      return sql.transaction(async (tx) => {
        const rows = await tx.query(
          `UPDATE jobs SET status = 'done', file_name = $2, content_type = $3, size = $4, finished_at = $5, expires_at = $6, holder = NULL
            WHERE id = $1 AND status = 'running' AND holder = $7 RETURNING id, kind, org_id, user_id`,
          [jobId, file.fileName, file.contentType, file.size, now, expires, me],
        )
        const row = rows[0]
        if (!row) return false
        if (row['kind'] === 'report' && row['user_id']) {
          await recordNotificationEvent(tx, {
            key: `report_ready:${jobId}`, kind: 'report_ready', orgId: optional(row['org_id']), userId: String(row['user_id']), now,
            params: { report_id: String(jobId), file_name: file.fileName },
          })
        }
        return true
      })
    },

    /** Gives the job up with a stable reason; the detail goes to the log, never to the screen. */
    async fail(jobId: number, reason: string, now: Date): Promise<boolean> {
      const me = await sql.leaseHolder()
      const rows = await sql.query(
        `UPDATE jobs SET status = 'failed', error = $2, finished_at = $3, expires_at = $4, holder = NULL
          WHERE id = $1 AND status = 'running' AND holder = $5 RETURNING id`,
        [jobId, reason, now, new Date(now.getTime() + JOB_FILE_DAYS * 86_400_000), me],
      )
      if (rows.length === 1) await sql.query('DELETE FROM job_file_chunks WHERE job_id = $1', [jobId])
      return rows.length === 1
    },

    async get(jobId: number): Promise<Job | undefined> {
      const rows = await sql.query(`SELECT ${COLUMNS} FROM jobs WHERE id = $1`, [jobId])
      return rows[0] ? toJob(rows[0]) : undefined
    },

    /** A user's own jobs of a kind, newest first. */
    async list(kind: string, userId: string, limit: number): Promise<Job[]> {
      const rows = await sql.query(
        `SELECT ${COLUMNS} FROM jobs WHERE user_id = $1 AND kind = $2 ORDER BY id DESC LIMIT $3`,
        [userId, kind, limit],
      )
      return rows.map(toJob)
    },

    /** The file's pieces in order, read a few at a time. */
    async *chunks(jobId: number): AsyncGenerator<Uint8Array> {
      let seq = -1
      for (;;) {
        const rows = await sql.query<{ seq: number; data: Uint8Array }>(
          'SELECT seq, data FROM job_file_chunks WHERE job_id = $1 AND seq > $2 ORDER BY seq LIMIT 4',
          [jobId, seq],
        )
        for (const row of rows) yield new Uint8Array(row.data)
        if (rows.length < 4) return
        seq = rows.at(-1)!.seq
      }
    },

    /** Removes jobs past their keeping time, with their files. */
    async purge(now: Date): Promise<number> {
      const rows = await sql.query("DELETE FROM jobs WHERE status IN ('done', 'failed') AND expires_at <= $1 RETURNING id", [now])
      return rows.length
    },
  }
}

export type JobStore = ReturnType<typeof jobStore>

function toJob(row: Record<string, unknown>): Job {
  const params = typeof row['params'] === 'string' ? JSON.parse(row['params']) : row['params']
  return {
    id: toSafeInt(row['id'], 'jobs.id'),
    kind: String(row['kind']),
    orgId: optional(row['org_id']),
    userId: optional(row['user_id']),
    params: params as Record<string, unknown>,
    status: row['status'] as JobStatus,
    attempts: Number(row['attempts']),
    fileName: optional(row['file_name']),
    contentType: optional(row['content_type']),
    size: row['size'] === null || row['size'] === undefined ? undefined : toSafeInt(row['size'], 'jobs.size'),
    error: optional(row['error']),
    createdAt: new Date(row['created_at'] as string | Date),
    finishedAt: optionalDate(row['finished_at']),
    expiresAt: optionalDate(row['expires_at']),
  }
}
