import { cpSync } from 'node:fs'
import { basename } from 'node:path'
import { inject } from 'vitest'
import { LOCK_FILE } from '../../server/storage/pglite.ts'
import { tempDir } from './harness.ts'

/**
 * A fresh PGlite data directory holding a migrated, empty EPay database: a copy of the one
 * test/setup/pglite-templates.ts made for this run, which saves each suite PGlite's initdb.
 */
export function dataDir(prefix: string): string {
  const dir = tempDir(prefix)
  const template = inject('pgliteDataDir')
  if (template) cpSync(template, dir, { recursive: true, filter: (source) => basename(source) !== LOCK_FILE })
  return dir
}
