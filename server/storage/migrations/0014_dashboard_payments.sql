-- The dashboard's payments list (SPEC §14): what a filter needs sits on the payment row, so
-- every filter is an index condition on payments and never a join scanned row by row.
-- Written by the payment store in the same transaction as the operation they come from.
ALTER TABLE payments ADD COLUMN customer_email text;
ALTER TABLE payments ADD COLUMN method text;
ALTER TABLE payments ADD COLUMN card_first6 text;
ALTER TABLE payments ADD COLUMN card_last4 text;
ALTER TABLE payments ADD COLUMN card_brand text;
ALTER TABLE payments ADD COLUMN operation_types text[] NOT NULL DEFAULT '{}';

UPDATE payments SET customer_email = lower(params->>'customer_email') WHERE params ? 'customer_email';
UPDATE payments p SET method = o.method, card_brand = o.card_brand,
  card_first6 = CASE WHEN o.method = 'card' AND o.card_mask ~ '^[0-9]{6}' THEN left(o.card_mask, 6) END,
  card_last4 = CASE WHEN o.method = 'card' AND o.card_mask ~ '[0-9]{4}$' THEN right(o.card_mask, 4) END
FROM (SELECT DISTINCT ON (payment_row_id) * FROM operations WHERE type IN ('sale', 'auth', 'recurring')
      ORDER BY payment_row_id, created_at DESC, id DESC) o
WHERE o.payment_row_id = p.id;
UPDATE payments p SET operation_types = t.types
FROM (SELECT payment_row_id, array_agg(DISTINCT type) AS types FROM operations GROUP BY payment_row_id) t
WHERE t.payment_row_id = p.id;

-- Newest first with (created_at, id) as the keyset; one index per filter that can be selective.
CREATE INDEX payments_recent ON payments (created_at DESC, id DESC);
CREATE INDEX payments_by_project_recent ON payments (project_id, created_at DESC, id DESC);
CREATE INDEX payments_by_status_recent ON payments (status, created_at DESC, id DESC);
CREATE INDEX payments_by_currency_recent ON payments (currency, created_at DESC, id DESC);
CREATE INDEX payments_by_method_recent ON payments (method, created_at DESC, id DESC);
CREATE INDEX payments_by_test_recent ON payments (test, created_at DESC, id DESC);
CREATE INDEX payments_by_amount ON payments (amount, created_at DESC);
CREATE INDEX payments_by_merchant_id ON payments (payment_id);
CREATE INDEX payments_by_customer_id ON payments (customer_id, created_at DESC);
CREATE INDEX payments_by_customer_email ON payments (customer_email, created_at DESC);
CREATE INDEX payments_by_card_last4 ON payments (card_last4, created_at DESC);
CREATE INDEX payments_by_card_first6 ON payments (card_first6, created_at DESC);
CREATE INDEX payments_by_operation_type ON payments USING gin (operation_types);

-- Per-user screen preferences (the payments list's columns), kept across devices.
CREATE TABLE dashboard_preferences (
  user_id    text NOT NULL REFERENCES dashboard_users (id),
  key        text NOT NULL,
  value      jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (user_id, key)
);

-- Callback deliveries of one payment, for its detail screen.
CREATE INDEX callback_outbox_by_payment ON callback_outbox (payment_row_id, created_at);
