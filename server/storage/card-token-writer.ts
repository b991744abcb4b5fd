import type { CardTokenRecord } from '../domain/ports.ts'
import type { Sql } from './sql.ts'

/** Inserts a saved card created outside a payment (`/v2/token/card/create`); the PAN arrives sealed. */
export async function insertCardToken(sql: Sql, t: CardTokenRecord): Promise<void> {
  await sql.query(
    `INSERT INTO card_tokens (token, project_id, customer_id, pan_sealed, key_id, bin, last4, brand, exp_month, exp_year, holder, created_at)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12)`,
    [t.token, t.projectId, t.customerId, t.panSealed, t.keyId, t.bin, t.last4, t.brand, t.expMonth, t.expYear, t.holder ?? null, t.createdAt],
  )
}
