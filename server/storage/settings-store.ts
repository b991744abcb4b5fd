import type { Sql } from './sql.ts'

/**
 * Returns the stored value for `key`, creating it with `make()` on first use. Every process on
 * one database gets the same value: the first insert wins and the others read it back.
 */
export async function getOrCreateSetting(sql: Sql, key: string, make: () => string): Promise<string> {
  await sql.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, make()])
  const rows = await sql.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key])
  return rows[0]!.value
}
