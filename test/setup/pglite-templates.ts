import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { migrate } from '../../server/storage/migrate.ts'
import { openPglite, snapshotPglite } from '../../server/storage/pglite.ts'

// PGlite spends seconds in initdb on every new database. One migrated database per set of
// migrations and PGlite version, made once and kept in .tmp/, lets every suite start from a copy:
// an in-memory snapshot for the server suites, a data directory for the server processes of e2e.

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteSnapshot: string
    pgliteDataDir: string
  }
}

const MIGRATIONS = 'server/storage/migrations'

export default async function setup(project: TestProject): Promise<void> {
  const hash = createHash('sha256')
  hash.update(JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')).version)
  for (const name of readdirSync(MIGRATIONS).sort()) hash.update(name).update(readFileSync(join(MIGRATIONS, name)))
  const base = join('.tmp', `pglite-${hash.digest('hex').slice(0, 16)}`)
  mkdirSync('.tmp', { recursive: true })
  // Each is made under a name of this process, then renamed: a parallel run never sees half of one.
  if (!existsSync(`${base}.tar`)) {
    const snapshot = await snapshotPglite(async (sql) => void (await migrate(sql)))
    writeFileSync(`${base}.tar.${process.pid}`, Buffer.from(await snapshot.arrayBuffer()))
    renameSync(`${base}.tar.${process.pid}`, `${base}.tar`)
  }
  if (!existsSync(`${base}.dir`)) {
    const building = `${base}.dir.${process.pid}`
    rmSync(building, { recursive: true, force: true })
    const sql = await openPglite(building)
    await migrate(sql)
    await sql.close()
    renameSync(building, `${base}.dir`)
  }
  project.provide('pgliteSnapshot', `${base}.tar`)
  project.provide('pgliteDataDir', `${base}.dir`)
}
