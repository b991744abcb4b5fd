import { closeSync, fdatasyncSync, fsyncSync, openSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { NodeFS } from '@electric-sql/pglite/nodefs'

/**
 * PGlite's start parameters with PostgreSQL's durability back on.
 * Hint: PGlite starts PostgreSQL with `-F` (fsync off), so a commit is acknowledged when its WAL
 * is in the page cache and a power loss can take an acknowledged payment with it. Without `-F`
 * PostgreSQL flushes the WAL when asked and fsyncs data files at checkpoints before it recycles
 * the WAL that covers them.
 * Hint: `synchronous_commit = off` hands the flush to pglite-group-commit.ts, which holds every
 * result back until one shared flush has covered it: still nothing acknowledged before it is on
 * disk, but one fsync for the commits of a moment instead of one each.
 * Hint: `wal_sync_method = fsync` because Emscripten's fdatasync() is a stub that syncs nothing,
 * while fsync() reaches the file system's `fsync` operation (which DurableNodeFS supplies).
 */
export function durableStartParams(): string[] {
  return [...PGlite.defaultStartParams.filter((param) => param !== '-F'), '-c', 'wal_sync_method=fsync', '-c', 'synchronous_commit=off']
}

/**
 * PGlite's NodeFS with a working fsync.
 * Hint: Emscripten's NODEFS has no `fsync` stream operation, so every fsync() PostgreSQL makes
 * inside the WebAssembly module returns without touching the disk. This adds it: the descriptor
 * PostgreSQL syncs is a real file descriptor of this process, and fsyncSync blocks the (single)
 * PGlite connection until the kernel reports the data on stable storage, which is before the
 * group-commit flush returns and therefore before any result or HTTP answer built on it.
 */
export class DurableNodeFS extends NodeFS {
  override async init(pg: PGlite, options: Parameters<NodeFS['init']>[1]) {
    const result = await super.init(pg, options)
    const preRun = result.emscriptenOpts.preRun ?? []
    result.emscriptenOpts.preRun = [
      ...preRun,
      (mod) => {
        const ops = (mod.NODEFS as unknown as { stream_ops: Record<string, unknown> }).stream_ops
        ops['fsync'] = (stream: { nfd?: number; path?: string }) => {
          if (stream.nfd === undefined) return 0
          try {
            // WAL segments are preallocated, so their data is all a commit needs flushed: fdatasync,
            // PostgreSQL's own choice for the WAL on Linux. Data files and directories get fsync.
            if (stream.path?.includes('/pg_wal/')) fdatasyncSync(stream.nfd)
            else fsyncSync(stream.nfd)
          } catch (error) {
            // After a failed fsync the kernel may have dropped the dirty pages, so a retry can
            // "succeed" without the data: PostgreSQL panics here (data_sync_retry = off) and
            // recovers from the WAL at the next start. Stopping the process is the same answer.
            process.stderr.write(`EPay stopped: the data directory could not be flushed to disk (${error instanceof Error ? error.message : String(error)})\n`)
            process.exit(70)
          }
          return 0
        }
      },
    ]
    return result
  }
}

/**
 * Flushes every file and directory under `dir` to stable storage.
 * Hint: PGlite's initdb writes the new cluster without syncing it; PostgreSQL then trusts those
 * files (a clean shutdown state means no recovery sync at the next start). Called once after a
 * new cluster is created, so a power loss right after the first start cannot leave a half-written
 * catalogue under the first payments.
 */
export function syncTree(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) syncTree(path)
    else if (entry.isFile()) syncPath(path)
  }
  syncPath(dir)
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}
