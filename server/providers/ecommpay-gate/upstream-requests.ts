import type { Sql } from '../../storage/sql.ts'

/** What the connector asked the upstream for one EPay reference. */
export type UpstreamKind = 'sale' | 'auth' | 'recurring' | 'wallet_sale' | 'capture' | 'cancel' | 'refund' | 'card_payout' | 'wallet_payout'

export type UpstreamRequest = {
  reference: string
  projectId: number
  kind: UpstreamKind
  /** The upstream payment: the reference itself for a charge or payout, the charge's for a follow-up. */
  upstreamPaymentId: string
  /** The upstream operation's `request_id`, once the upstream accepted the request. */
  upstreamRequestId: string | undefined
  /** The request without card data, to send again with the same Idempotency-Key. */
  request: Record<string, unknown> | undefined
  /** The upstream's `redirect_data` of a 3-D Secure challenge, for the shopper only. */
  redirect: { method: string; url: string; body: Record<string, string> } | undefined
  /** The return token (`MD`) EPay's page gave the shopper, to resume the attempt on the way back. */
  shopperReturn: string | undefined
  /** Given up before it reached the upstream: never sent afterwards. */
  abandoned: boolean
  createdAt: Date
}

/**
 * The connector's own records, written before a request leaves (STYLE §3: no transaction held
 * across the call), so a retry after a crash sends the same ids and a status query knows what
 * to ask the upstream.
 */
export function upstreamRequests(sql: Sql) {
  const read = (r: Record<string, unknown>): UpstreamRequest => ({
    reference: String(r['reference']),
    projectId: Number(r['project_id']),
    kind: String(r['kind']) as UpstreamKind,
    upstreamPaymentId: String(r['upstream_payment_id']),
    upstreamRequestId: r['upstream_request_id'] == null ? undefined : String(r['upstream_request_id']),
    request: r['request'] == null ? undefined : (JSON.parse(String(r['request'])) as Record<string, unknown>),
    redirect: r['redirect'] == null ? undefined : (JSON.parse(String(r['redirect'])) as UpstreamRequest['redirect']),
    shopperReturn: r['shopper_return'] == null ? undefined : String(r['shopper_return']),
    abandoned: r['abandoned'] === true,
    createdAt: new Date(r['created_at'] as string | Date),
  })
  const find = async (reference: string): Promise<UpstreamRequest | undefined> => {
    const rows = await sql.query('SELECT * FROM upstream_requests WHERE reference = $1', [reference])
    return rows[0] ? read(rows[0]) : undefined
  }
  return {
    find,
    /** Records the request unless the reference is known; returns whichever is stored. */
    async begin(entry: Pick<UpstreamRequest, 'reference' | 'projectId' | 'kind' | 'upstreamPaymentId' | 'request'> & { abandoned?: boolean }, now: Date): Promise<UpstreamRequest> {
      await sql.query(
        `INSERT INTO upstream_requests (reference, project_id, kind, upstream_payment_id, request, abandoned, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (reference) DO NOTHING`,
        [entry.reference, entry.projectId, entry.kind, entry.upstreamPaymentId, entry.request ? JSON.stringify(entry.request) : null, entry.abandoned ?? false, now],
      )
      return (await find(entry.reference))!
    },
    async accepted(reference: string, upstreamRequestId: string): Promise<void> {
      await sql.query('UPDATE upstream_requests SET upstream_request_id = $2 WHERE reference = $1', [reference, upstreamRequestId])
    },
    async challenge(reference: string, redirect: NonNullable<UpstreamRequest['redirect']>): Promise<void> {
      await sql.query('UPDATE upstream_requests SET redirect = $2 WHERE reference = $1', [reference, JSON.stringify(redirect)])
    },
    async shopperReturn(reference: string, token: string): Promise<void> {
      await sql.query('UPDATE upstream_requests SET shopper_return = $2 WHERE reference = $1', [reference, token])
    },
    /** Marks a request that never got an upstream answer as given up; false if the upstream accepted it. */
    async abandon(reference: string): Promise<void> {
      await sql.query('UPDATE upstream_requests SET abandoned = true WHERE reference = $1 AND upstream_request_id IS NULL', [reference])
    },
    /** The request an upstream callback is about: its payment and, for a follow-up, its operation's request id. */
    async forCallback(projectId: number, upstreamPaymentId: string, upstreamRequestId: string | undefined): Promise<UpstreamRequest | undefined> {
      const rows = await sql.query(
        `SELECT * FROM upstream_requests WHERE project_id = $1 AND upstream_payment_id = $2
           AND (upstream_request_id = $3 OR reference = $2) ORDER BY (upstream_request_id = $3) DESC NULLS LAST LIMIT 1`,
        [projectId, upstreamPaymentId, upstreamRequestId ?? ''],
      )
      return rows[0] ? read(rows[0]) : undefined
    },
  }
}

export type UpstreamRequests = ReturnType<typeof upstreamRequests>
