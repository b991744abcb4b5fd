import type { Sql } from './sql.ts'

/**
 * The first return from each attempt's ACS or wallet page. A return token (`MD`) resumes its
 * attempt once: a replayed or copied one finds the attempt already resumed and gets no session.
 */
export type AttemptReturnStore = {
  /** Records the return; false when this attempt was resumed before. Atomic across processes. */
  claim(operationId: number, now: Date): Promise<boolean>
}

export function createAttemptReturnStore(sql: Sql): AttemptReturnStore {
  return {
    async claim(operationId, now) {
      const rows = await sql.query(
        'INSERT INTO attempt_returns (operation_id, returned_at) VALUES ($1, $2) ON CONFLICT (operation_id) DO NOTHING RETURNING operation_id',
        [operationId, now],
      )
      return rows.length > 0
    },
  }
}
