import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { Sql } from './sql.ts'

const MIGRATION_LOCK = 7262001
const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url))

/**
 * Applies every migration not yet recorded, in file-name order, each in its own transaction.
 * Hint: the advisory lock makes several processes starting on one PostgreSQL take turns
 * instead of racing to create the same tables.
 */
export async function migrate(sql: Sql): Promise<string[]> {
  // Under the lock too: two processes creating the table at once collide on the catalog's
  // unique index even with IF NOT EXISTS.
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
  })
  const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith('.sql')).sort()
  const applied: string[] = []
  for (const file of files) {
    const done = await sql.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`)
      const rows = await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [file])
      if (rows.length > 0) return false
      const text = await readFile(MIGRATIONS_DIR + file, 'utf8')
      for (const statement of splitStatements(text)) await tx.query(statement)
      await tx.query('INSERT INTO schema_migrations (version) VALUES ($1)', [file])
      return true
    })
    if (done) applied.push(file)
  }
  return applied
}

// Parameterised query protocols take one statement at a time. A `;` inside a dollar-quoted
// body (`$$ … $$`, a function's) belongs to the body, not to the migration.
function splitStatements(text: string): string[] {
  const source = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('--'))
    .join('\n')
  const statements: string[] = []
  let start = 0
  const token = /\$[A-Za-z_]*\$|;/g
  for (let match = token.exec(source); match; match = token.exec(source)) {
    if (match[0] === ';') {
      statements.push(source.slice(start, match.index))
      start = match.index + 1
    } else {
      const close = source.indexOf(match[0], match.index + match[0].length)
      if (close < 0) throw new Error(`migration: unterminated ${match[0]} quote`)
      token.lastIndex = close + match[0].length
    }
  }
  statements.push(source.slice(start))
  return statements.map((s) => s.trim()).filter(Boolean)
}
