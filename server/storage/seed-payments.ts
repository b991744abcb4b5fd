import { BIN_COUNTRIES } from '../../protocol/card-countries.ts'
import type { Sql } from './sql.ts'

/** What `npm run seed -- --payments N` fills: N payments over the past year on the given projects. */
export type SeedOptions = {
  count: number
  projectIds: number[]
  now: Date
  /** Keeps several seedings of one database apart (ids, payment ids, operation ids). */
  tag: number
  /** Rows per statement: large enough to be fast, small enough to keep memory flat. */
  batch?: number
}

// Deterministic "random" numbers from the row number, so a seed is reproducible and the work
// stays inside the database (no rows cross the wire).
const R = (salt: string) => `abs(hashtext(i::text || '${salt}'))`

/**
 * Fills payments with a realistic mix (card and wallet, sale and auth, paid, declined, refunded,
 * captured, cancelled, abandoned; four currencies; customers with ids and emails), each with
 * the operations and ledger postings that status implies. Operation ids lie in a range the
 * random ids of real operations practically never reach (≥ 8.9·10¹⁵).
 */
export async function seedPayments(sql: Sql, o: SeedOptions): Promise<number> {
  const batch = o.batch ?? 50_000
  const opBase = 8_900_000_000_000_000 + o.tag * 1_000_000_000
  for (let start = 1; start <= o.count; start += batch) {
    const end = Math.min(o.count, start + batch - 1)
    await sql.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO payments (id, project_id, payment_id, type, operation_type, amount, currency, description, customer_id, customer_email,
           status, attempts, max_attempts, params, version, created_at, updated_at, test, channel, method, card_first6, card_last4, card_brand, operation_types,
           country, charged)
         SELECT 'pay_seed' || $3::text || 'x' || i, ($4::bigint[])[1 + ${R('p')} % array_length($4::bigint[], 1)], 'seed-' || $3::text || '-' || i,
           'purchase', op, amount, currency, 'Order ' || i, 'cust-' || (${R('c')} % 20000), 'shopper' || (${R('c')} % 20000) || '@mail.example',
           status, 1, 3, CASE WHEN address IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('customer_country', address) END,
           1, at, at, ${R('t')} % 5 <> 0, 'page', method, bin,
           CASE WHEN method = 'card' THEN lpad((${R('l')} % 10000)::text, 4, '0') END,
           CASE WHEN method = 'card' THEN (ARRAY['visa','mastercard','mir','visa','mastercard'])[1 + ${R('b')} % 5] END,
           CASE status WHEN 'new' THEN '{}'::text[] WHEN 'expired' THEN '{}'::text[]
             WHEN 'partially refunded' THEN ARRAY[op, 'refund'] WHEN 'refunded' THEN ARRAY[op, 'refund']
             WHEN 'cancelled' THEN ARRAY[op, 'cancel']
             ELSE CASE WHEN op = 'auth' AND status = 'success' THEN ARRAY['auth', 'capture'] ELSE ARRAY[op] END END,
           -- As the payment store sets it (payment-country.ts): the BIN's country, else the address's.
           COALESCE((SELECT c FROM unnest($6::text[], $7::text[]) AS t(b, c) WHERE t.b = bin), address),
           status NOT IN ('new', 'expired', 'decline')
         FROM (
           SELECT i, CASE WHEN ${R('o')} % 10 = 0 THEN 'auth' ELSE 'sale' END AS op,
             100 + (${R('a')} % 200) * 250 AS amount,
             (ARRAY['EUR','EUR','USD','RUB','GBP'])[1 + ${R('k')} % 5] AS currency,
             CASE WHEN ${R('m')} % 10 < 8 THEN 'card' ELSE 'jeton' END AS method,
             $5::timestamptz - make_interval(secs => ${R('d')} % 31536000) AS at,
             ${R('s')} % 100 AS k,
             (ARRAY['DE','FR','GB','RU','US',NULL])[1 + ${R('y')} % 6] AS address
           FROM generate_series($1::int, $2::int) i
         ) s, LATERAL (SELECT CASE WHEN method = 'card' THEN (ARRAY['424242','555555','220000','411111','520082'])[1 + ${R('b')} % 5] END AS bin) card, LATERAL (SELECT CASE
             WHEN op = 'auth' THEN CASE WHEN k < 40 THEN 'awaiting capture' WHEN k < 80 THEN 'success' WHEN k < 90 THEN 'cancelled' ELSE 'decline' END
             ELSE CASE WHEN k < 72 THEN 'success' WHEN k < 82 THEN 'decline' WHEN k < 87 THEN 'partially refunded' WHEN k < 90 THEN 'refunded'
               WHEN k < 96 THEN 'new' ELSE 'expired' END END AS status) st`,
        [start, end, String(o.tag), o.projectIds, o.now, Object.keys(BIN_COUNTRIES), Object.values(BIN_COUNTRIES)],
      )
      // The charge, then what followed it; ids are the row number times four plus a step.
      const ops = (step: number, type: string, status: string, amount: string, where: string) => tx.query(
        `INSERT INTO operations (id, payment_row_id, type, status, amount, currency, request_id, provider_id, provider_payment_id, code, message,
           card_mask, card_brand, created_at, updated_at, method)
         SELECT $3::bigint + n * 4 + ${step}, p.id, ${type}, ${status}, ${amount}, p.currency, 'req-seed-' || p.id || '-${step}', 'sim-' || p.method,
           'sim-' || p.id || '-${step}', CASE WHEN ${status} = 'success' THEN '0' ELSE '20102' END, CASE WHEN ${status} = 'success' THEN 'Success' ELSE 'Card declined' END,
           CASE WHEN p.method = 'card' THEN p.card_first6 || '******' || p.card_last4 ELSE '2003' || lpad(n::text, 8, '0') END, p.card_brand,
           p.created_at + make_interval(secs => ${step * 60}), p.created_at + make_interval(secs => ${step * 60}), p.method
         FROM (SELECT p.*, substring(p.id from '[0-9]+$')::bigint AS n FROM payments p WHERE p.id LIKE 'pay_seed' || $4::text || 'x%'
               AND substring(p.id from '[0-9]+$')::bigint BETWEEN $1 AND $2) p WHERE ${where}`,
        [start, end, opBase, String(o.tag)],
      )
      await ops(0, 'p.operation_type', `CASE WHEN p.status = 'decline' THEN 'decline' ELSE 'success' END`, 'p.amount', `p.status NOT IN ('new', 'expired')`)
      await ops(1, `'capture'`, `'success'`, 'p.amount', `p.operation_type = 'auth' AND p.status = 'success'`)
      await ops(2, `'cancel'`, `'success'`, 'p.amount', `p.status = 'cancelled'`)
      await ops(3, `'refund'`, `'success'`, `CASE WHEN p.status = 'refunded' THEN p.amount ELSE p.amount / 2 END`, `p.status IN ('refunded', 'partially refunded')`)
      // Double entry as the domain posts it: captures credit the merchant, refunds debit it.
      await tx.query(
        `INSERT INTO ledger_postings (project_id, currency, operation_id, account, amount, created_at, payment_row_id, kind, method, country, test, first_paid)
         SELECT p.project_id, o.currency, o.id, a.account, CASE WHEN (o.type = 'refund') = (a.account = 'merchant') THEN o.amount ELSE -o.amount END, o.created_at,
           p.id, o.type, o.method, p.country, p.test, a.account = 'acquirer' AND o.type IN ('sale', 'capture') -- one sale or capture per seeded payment
         FROM operations o JOIN payments p ON p.id = o.payment_row_id, (VALUES ('acquirer'), ('merchant')) a(account)
         WHERE o.id BETWEEN $1::bigint + $2::bigint * 4 AND $1::bigint + $3::bigint * 4 + 3 AND o.status = 'success' AND o.type IN ('sale', 'capture', 'refund')`,
        [opBase, start, end],
      )
    })
  }
  return o.count
}
