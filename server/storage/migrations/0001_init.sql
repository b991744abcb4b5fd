-- Merchants. The secret must be readable to compute HMACs; protect the database accordingly.
CREATE TABLE projects (
  id                          bigint PRIMARY KEY,
  name                        text NOT NULL,
  secret                      text NOT NULL,
  previous_secret             text,
  previous_secret_valid_until timestamptz,
  callback_url                text,
  allowed_origins             jsonb NOT NULL DEFAULT '[]',
  return_hosts                jsonb NOT NULL DEFAULT '[]',
  test_mode                   boolean NOT NULL DEFAULT true,
  created_at                  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE payments (
  id             text PRIMARY KEY,
  project_id     bigint NOT NULL REFERENCES projects (id),
  payment_id     text NOT NULL,
  type           text NOT NULL,
  operation_type text NOT NULL,
  amount         bigint NOT NULL CHECK (amount > 0),
  currency       char(3) NOT NULL,
  description    text,
  customer_id    text,
  language_code  text,
  status         text NOT NULL,
  attempts       integer NOT NULL DEFAULT 0,
  max_attempts   integer NOT NULL,
  best_before    timestamptz,
  callback_url   text,
  success_url    text,
  fail_url       text,
  return_url     text,
  params         jsonb NOT NULL,
  version        integer NOT NULL DEFAULT 0,
  created_at     timestamptz NOT NULL,
  updated_at     timestamptz NOT NULL,
  UNIQUE (project_id, payment_id)
);

CREATE TABLE operations (
  id                  bigint PRIMARY KEY,
  payment_row_id      text NOT NULL REFERENCES payments (id),
  type                text NOT NULL,
  status              text NOT NULL,
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            char(3) NOT NULL,
  request_id          text NOT NULL,
  provider_id         text NOT NULL,
  provider_payment_id text,
  auth_code           text,
  code                text,
  message             text,
  card_mask           text,
  card_brand          text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);
CREATE INDEX operations_by_payment ON operations (payment_row_id, created_at);
-- The last line of defence against charging twice: whatever the application does, a payment
-- can hold one successful sale/auth and one attempt in flight at a time.
CREATE UNIQUE INDEX operations_one_success ON operations (payment_row_id)
  WHERE type IN ('sale', 'auth') AND status = 'success';
CREATE UNIQUE INDEX operations_one_in_flight ON operations (payment_row_id)
  WHERE type IN ('sale', 'auth') AND status IN ('processing', 'awaiting 3ds result', 'awaiting redirect result');

-- Double-entry ledger: the postings of one operation sum to zero.
CREATE TABLE ledger_postings (
  id           bigserial PRIMARY KEY,
  project_id   bigint NOT NULL REFERENCES projects (id),
  currency     char(3) NOT NULL,
  operation_id bigint NOT NULL REFERENCES operations (id),
  account      text NOT NULL,
  amount       bigint NOT NULL,
  created_at   timestamptz NOT NULL
);
CREATE INDEX ledger_by_project ON ledger_postings (project_id, currency);

-- Transactional outbox of merchant callbacks, written with the state change it reports.
CREATE TABLE callback_outbox (
  id              text PRIMARY KEY,
  project_id      bigint NOT NULL REFERENCES projects (id),
  payment_row_id  text NOT NULL REFERENCES payments (id),
  operation_id    bigint NOT NULL REFERENCES operations (id),
  url             text NOT NULL,
  payload         text NOT NULL,
  status          text NOT NULL DEFAULT 'pending',
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  locked_until    timestamptz,
  last_status     integer,
  last_error      text,
  delivered_at    timestamptz,
  created_at      timestamptz NOT NULL
);
CREATE INDEX callback_outbox_due ON callback_outbox (next_attempt_at) WHERE status = 'pending';

-- Server-wide generated secrets (session signing key) shared by every process on this database.
CREATE TABLE settings (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- The simulated acquirer's own records: it stands in for an external system, so what it
-- authorised must outlive an EPay crash and answer status queries afterwards.
CREATE TABLE sim_card_authorisations (
  reference  text PRIMARY KEY,
  result     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
