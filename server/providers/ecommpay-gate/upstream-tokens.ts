import type { Sql } from '../../storage/sql.ts'

/** The upstream's saved card standing for one card saved at EPay. */
export type UpstreamCardToken = { customerId: string; token: string }

/**
 * Which upstream token charges which of EPay's saved cards, per upstream (URL and project): the
 * connector creates one the first time a saved card is charged without its holder, then reuses it.
 */
export function upstreamCardTokens(sql: Sql) {
  return {
    async find(projectId: number, cardToken: string, upstream: string): Promise<UpstreamCardToken | undefined> {
      const rows = await sql.query(
        'SELECT upstream_customer_id, upstream_token FROM upstream_card_tokens WHERE project_id = $1 AND card_token = $2 AND upstream = $3',
        [projectId, cardToken, upstream],
      )
      return rows[0] ? { customerId: String(rows[0]['upstream_customer_id']), token: String(rows[0]['upstream_token']) } : undefined
    },
    /** Keeps the first token stored for the card: two charges racing to create one agree on it. */
    async keep(projectId: number, cardToken: string, upstream: string, created: UpstreamCardToken, now: Date): Promise<UpstreamCardToken> {
      await sql.query(
        `INSERT INTO upstream_card_tokens (project_id, card_token, upstream, upstream_customer_id, upstream_token, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [projectId, cardToken, upstream, created.customerId, created.token, now],
      )
      return (await this.find(projectId, cardToken, upstream)) ?? created
    },
  }
}

export type UpstreamCardTokens = ReturnType<typeof upstreamCardTokens>
