import type { CardTokenRecord } from '../domain/ports.ts'
import { optional, toSafeInt, type Sql } from './sql.ts'

export type { CardTokenRecord }

/** Saved cards per project and customer; deleting keeps the row (audit) but hides it for good. */
export function createCardTokenStore(sql: Sql) {
  const toRecord = (r: Record<string, unknown>): CardTokenRecord => ({
    token: String(r['token']),
    projectId: toSafeInt(r['project_id'], 'project_id'),
    customerId: String(r['customer_id']),
    panSealed: String(r['pan_sealed']),
    keyId: String(r['key_id']),
    bin: String(r['bin']),
    last4: String(r['last4']),
    brand: String(r['brand']),
    expMonth: toSafeInt(r['exp_month'], 'exp_month'),
    expYear: toSafeInt(r['exp_year'], 'exp_year'),
    holder: optional(r['holder']),
    createdAt: new Date(r['created_at'] as Date),
  })
  return {
    async get(projectId: number, token: string): Promise<CardTokenRecord | undefined> {
      const rows = await sql.query('SELECT * FROM card_tokens WHERE project_id = $1 AND token = $2 AND deleted_at IS NULL', [projectId, token])
      return rows[0] ? toRecord(rows[0]) : undefined
    },
    async listByCustomer(projectId: number, customerId: string): Promise<CardTokenRecord[]> {
      const rows = await sql.query(
        'SELECT * FROM card_tokens WHERE project_id = $1 AND customer_id = $2 AND deleted_at IS NULL ORDER BY created_at DESC, token',
        [projectId, customerId],
      )
      return rows.map(toRecord)
    },
    async remove(projectId: number, customerId: string | undefined, token: string, now: Date): Promise<boolean> {
      const rows = await sql.query(
        `UPDATE card_tokens SET deleted_at = $4 WHERE project_id = $1 AND token = $3 AND deleted_at IS NULL
           AND ($2::text IS NULL OR customer_id = $2) RETURNING token`,
        [projectId, customerId ?? null, token, now],
      )
      return rows.length > 0
    },
  }
}
export type CardTokenStore = ReturnType<typeof createCardTokenStore>
