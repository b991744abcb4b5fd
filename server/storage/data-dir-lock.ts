import { closeSync, fstatSync, ftruncateSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { tryLock } from 'fs-native-extensions'
import { DataDirError } from './data-dir-error.ts'

/** EPay's lock file inside a PGlite data directory; its text (the holder's pid) is only for messages. */
export const LOCK_FILE = 'epay.lock'

/** What the caller holds: `pin` adds a file of the cluster to the lock; `release` drops all of it. */
export type DataDirLock = { pin(file: string): void; release(): void }

/**
 * Takes a PGlite data directory for this process, or throws DataDirError naming the holder.
 * Hint: the exclusion is an operating-system lock (an open-file-description lock, F_OFD_SETLK on
 * Linux, through fs-native-extensions), never the pid written in the file: the kernel drops the
 * lock when the holder's process ends however it ends, so a stale file (even one whose pid now
 * belongs to some other live process) never blocks a start, and a live holder always blocks.
 * Hint: the lock on epay.lock alone does not survive someone deleting that file by hand (the next
 * starter would create and lock a new one). So, once the cluster exists, the same lock is also
 * taken on global/pg_control (`pin`): a file PostgreSQL rewrites in place and never replaces,
 * without which the directory cannot be opened at all, so it cannot be deleted without the
 * cluster going with it. PostgreSQL takes no such locks, so PGlite's own writes are unaffected.
 */
export function lockDataDir(dir: string): DataDirLock {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, LOCK_FILE)
  const held: number[] = []
  let ownFile: number | undefined
  const release = () => {
    process.off('exit', release)
    // Unlinked while still locked: a starter that opened the old file sees it is no longer the
    // file at that path (the inode check below) and tries again instead of sharing the directory.
    if (ownFile !== undefined && sameFile(ownFile, path)) {
      try {
        unlinkSync(path)
      } catch {
        // already gone
      }
    }
    ownFile = undefined
    for (const fd of held.splice(0)) closeSync(fd)
  }
  for (let attempt = 0; ownFile === undefined; attempt++) {
    if (attempt === 5) throw new DataDirError(`${dir}: could not take the lock ${path}`)
    const fd = openSync(path, 'a+')
    if (!tryLock(fd)) {
      closeSync(fd)
      throw inUse(dir, readHolder(path))
    }
    if (!sameFile(fd, path)) {
      closeSync(fd)
      continue
    }
    ftruncateSync(fd, 0)
    writeSync(fd, `${process.pid}\n`)
    held.push(fd)
    ownFile = fd
  }
  process.on('exit', release)
  return {
    pin(file) {
      const fd = openSync(file, 'r+')
      if (!tryLock(fd)) {
        closeSync(fd)
        release()
        throw inUse(dir, undefined)
      }
      held.push(fd)
    },
    release,
  }
}

function inUse(dir: string, holder: number | undefined): DataDirError {
  const who = holder === undefined ? 'another process' : `process ${holder}`
  return new DataDirError(`${dir} is in use by ${who}. PGlite allows one process per data directory: ` +
    'stop that process, or use PostgreSQL (DATABASE_URL) to run several.')
}

function readHolder(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10)
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

function sameFile(fd: number, path: string): boolean {
  try {
    const open = fstatSync(fd)
    const current = statSync(path)
    return open.ino === current.ino && open.dev === current.dev
  } catch {
    return false
  }
}
