import type { Sql } from '../../storage/sql.ts'

/**
 * Starts keeping the daily home aggregates of each zone not kept yet (migration 0033) and returns
 * those it added. Adding one counts everything so far while holding off payment writes (a few
 * seconds a million payments); a zone already kept costs one lookup. A zone that cannot be added
 * now (its lock not granted within 5 s on a busy database) is reported and skipped: its users get
 * the index path until a later start adds it. Zones are never dropped here: that is
 * `SELECT home_forget_zone('Zone/Name')`, done by hand.
 */
export async function keepHomeZones(sql: Sql, zones: readonly string[], onError: (zone: string, error: unknown) => void = (_zone, error) => { throw error }): Promise<string[]> {
  const added: string[] = []
  for (const zone of zones) {
    try {
      const [row] = await sql.query<{ added: boolean }>('SELECT home_keep_zone($1) AS added', [zone])
      if (row?.added) added.push(zone)
    } catch (error) {
      onError(zone, error)
    }
  }
  return added
}
