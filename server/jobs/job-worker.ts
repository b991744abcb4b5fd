import type { Clock } from '../domain/ports.ts'
import type { Logger } from '../logger.ts'
import type { Job, JobStore } from './job-store.ts'
import { JOB_MAX_ATTEMPTS } from './job-store.ts'

/** What a job makes: a file, produced piece by piece. */
export type JobOutput = { fileName: string; contentType: string; body: AsyncIterable<Uint8Array> }
export type JobHandler = (job: Job) => Promise<JobOutput>

/** Pieces are stored at about this size: large enough for few rows, small enough to hold in memory. */
const PIECE_BYTES = 256 * 1024
/** How often finished files past their 7 days are removed. */
const PURGE_EVERY_MS = 10 * 60_000

/**
 * Runs queued jobs, one at a time per process, in every process: a claim gives each job to
 * one live process, so more processes only share the queue. A job whose process dies is taken
 * over (from the start of its file) once that holder is dead, at most JOB_MAX_ATTEMPTS times.
 */
export function jobWorker(store: JobStore, handlers: Readonly<Record<string, JobHandler>>, clock: Clock, logger: Logger) {
  // Ticks run one after another: a process works on one job at a time, and a caller that
  // ticks while a job runs learns about the next one, not about a refusal.
  let chain: Promise<unknown> = Promise.resolve()
  let lastPurge = 0

  async function run(job: Job): Promise<void> {
    const handler = handlers[job.kind]
    if (!handler) {
      await store.fail(job.id, 'unknown_kind', clock.now())
      return
    }
    if (job.attempts > JOB_MAX_ATTEMPTS) {
      // Every earlier run ended with its process: the job may be what kills it.
      logger.error('job given up after its process ended it repeatedly', { job: job.id, kind: job.kind, attempts: job.attempts - 1 })
      await store.fail(job.id, 'interrupted', clock.now())
      return
    }
    try {
      const output = await handler(job)
      let seq = 0
      let size = 0
      let pending: Uint8Array[] = []
      let pendingBytes = 0
      const flush = async () => {
        if (pendingBytes === 0) return true
        const piece = Buffer.concat(pending, pendingBytes)
        pending = []
        pendingBytes = 0
        return store.appendChunk(job.id, seq++, piece)
      }
      for await (const part of output.body) {
        pending.push(part)
        pendingBytes += part.length
        size += part.length
        // Another process took the job over (this one was thought dead): it owns the file now.
        if (pendingBytes >= PIECE_BYTES && !(await flush())) return
      }
      if (!(await flush())) return
      await store.finish(job.id, { fileName: output.fileName, contentType: output.contentType, size }, clock.now())
    } catch (error) {
      logger.error('job failed', { job: job.id, kind: job.kind, error })
      await store.fail(job.id, 'failed', clock.now())
    }
  }

  async function once(): Promise<boolean> {
    const now = clock.now()
    if (now.getTime() - lastPurge >= PURGE_EVERY_MS) {
      lastPurge = now.getTime()
      await store.purge(now)
    }
    const job = await store.claim(now)
    if (!job) return false
    await run(job)
    return true
  }

  return {
    /** Runs the oldest waiting job after any this process is running; true when there was one. */
    tick(): Promise<boolean> {
      const next = chain.then(once, once)
      chain = next.catch(() => undefined)
      return next
    },
  }
}

export type JobWorker = ReturnType<typeof jobWorker>
