-- Gate API (SPEC §9): idempotency records, project limits, and what the follow-up operations
-- (capture, cancel, refund, payout, recurring) need to stay correct under concurrency.

-- Idempotency-Key records (Stripe semantics). Only a fingerprint of the request is kept, never
-- the body: Gate bodies may carry a PAN and a CVC, which must never be written to disk.
CREATE TABLE idempotency_keys (
  project_id      bigint NOT NULL REFERENCES projects (id),
  key             text NOT NULL,
  fingerprint     text NOT NULL,
  state           text NOT NULL DEFAULT 'in_flight',
  response_status integer,
  response_body   text,
  locked_until    timestamptz NOT NULL,
  created_at      timestamptz NOT NULL,
  expires_at      timestamptz NOT NULL,
  PRIMARY KEY (project_id, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);

-- Limits per project, operation and currency (SPEC §6). NULL means "no limit".
CREATE TABLE project_limits (
  project_id   bigint NOT NULL REFERENCES projects (id),
  operation    text NOT NULL,
  currency     char(3) NOT NULL,
  min_amount   bigint CHECK (min_amount > 0),
  max_amount   bigint CHECK (max_amount > 0),
  daily_amount bigint CHECK (daily_amount > 0),
  daily_count  integer CHECK (daily_count > 0),
  PRIMARY KEY (project_id, operation, currency)
);

-- Daily totals taken by accepted requests. Reserved with one conditional UPDATE, so two
-- concurrent requests cannot both fit under the same remaining quota.
CREATE TABLE daily_totals (
  project_id bigint NOT NULL REFERENCES projects (id),
  operation  text NOT NULL,
  currency   char(3) NOT NULL,
  day        date NOT NULL,
  amount     bigint NOT NULL DEFAULT 0,
  count      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, operation, currency, day)
);

-- One follow-up operation in flight per payment, whatever the application does: this is what
-- keeps Σcaptured ≤ authorised and Σrefunded ≤ captured if two requests ever pass the checks.
CREATE UNIQUE INDEX operations_one_follow_up_in_flight ON operations (payment_row_id)
  WHERE type IN ('capture', 'cancel', 'refund', 'payout', 'recurring') AND status = 'processing';
CREATE INDEX operations_by_date ON operations (created_at DESC, id DESC);
CREATE INDEX payments_by_customer ON payments (project_id, customer_id);
CREATE INDEX ledger_by_operation ON ledger_postings (operation_id);

-- The simulated providers' own records of capture, cancel, refund and payout requests, by
-- reference: like an external system, they answer a repeated request with the first answer.
CREATE TABLE sim_provider_operations (
  reference  text PRIMARY KEY,
  kind       text NOT NULL,
  result     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
