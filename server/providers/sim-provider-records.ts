import type { ProviderAnswer } from '../domain/ports.ts'
import type { Sql } from '../storage/sql.ts'

/**
 * The simulated providers' own records of follow-up requests, by reference: like an external
 * system, a repeated request gets the first answer, and `status` tells what happened after a
 * crash or timeout.
 */
export function simProviderRecords(sql: Sql) {
  const find = async (reference: string): Promise<ProviderAnswer | undefined> => {
    const rows = await sql.query<{ result: string }>('SELECT result FROM sim_provider_operations WHERE reference = $1', [reference])
    return rows[0] ? (JSON.parse(rows[0].result) as ProviderAnswer) : undefined
  }
  return {
    find,
    /** Records `answer` unless the reference is known, and returns whichever is stored. */
    async record(reference: string, kind: string, answer: ProviderAnswer): Promise<ProviderAnswer> {
      await sql.query('INSERT INTO sim_provider_operations (reference, kind, result) VALUES ($1, $2, $3) ON CONFLICT (reference) DO NOTHING', [
        reference, kind, JSON.stringify(answer),
      ])
      return (await find(reference)) ?? answer
    },
  }
}
