-- Reconciliation with the upstream gateway (issue 14 item 3). One schedule row per live connected
-- project holds the next UTC day to reconcile; a process claims a day by compare-and-set on it and,
-- in the same transaction, records the run and queues its job, so across processes and restarts
-- each day is reconciled once and a day missed while nothing ran is run when a process is back.
CREATE TABLE reconciliation_schedule (
  project_id bigint PRIMARY KEY,
  -- 'YYYY-MM-DD' (UTC): text, so no driver turns it into a local-time Date.
  next_day   text NOT NULL
);

CREATE TABLE reconciliation_runs (
  id          bigserial PRIMARY KEY,
  project_id  bigint NOT NULL,
  day         text NOT NULL,
  job_id      bigint,
  checked     integer,
  mismatches  integer,
  created_at  timestamptz NOT NULL,
  finished_at timestamptz,
  UNIQUE (project_id, day)
);

-- What a run found: one row per local operation (or upstream operation) on which the two sides
-- disagree. A clean day has none.
CREATE TABLE reconciliation_mismatches (
  run_id              bigint NOT NULL REFERENCES reconciliation_runs (id) ON DELETE CASCADE,
  seq                 integer NOT NULL,
  kind                text NOT NULL,
  operation_id        bigint,
  payment_id          text,
  upstream_payment_id text,
  operation_type      text,
  local_status        text,
  upstream_status     text,
  local_amount        bigint,
  upstream_amount     bigint,
  currency            text,
  upstream_currency   text,
  PRIMARY KEY (run_id, seq)
);

-- A day's live operations of one project.
CREATE INDEX upstream_requests_by_project_created ON upstream_requests (project_id, created_at);
