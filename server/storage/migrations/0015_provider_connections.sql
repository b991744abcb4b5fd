-- A live project's connection to a real provider (issue 14): one per project, serving the listed
-- methods. The upstream secret is sealed with the card vault (EPAY_CARD_KEYS), bound to the
-- project id, and never shown again.
CREATE TABLE provider_connections (
  project_id          bigint PRIMARY KEY,
  provider            text NOT NULL,
  url                 text NOT NULL,
  upstream_project_id bigint NOT NULL,
  methods             text NOT NULL,
  secret_sealed       text NOT NULL,
  key_id              text NOT NULL,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);

-- What the ECommPay Gate connector sent upstream, by EPay's reference (the operation id), written
-- before the request leaves: a retry carries the same upstream payment id and Idempotency-Key,
-- and a status query knows which upstream payment (and which of its operations) to ask about.
CREATE TABLE upstream_requests (
  reference           text PRIMARY KEY,
  project_id          bigint NOT NULL,
  kind                text NOT NULL,
  upstream_payment_id text NOT NULL,
  upstream_request_id text,
  -- The request without card data, to send it again (same Idempotency-Key) when its answer was lost.
  request             text,
  redirect            text,
  shopper_return      text,
  abandoned           boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL
);
CREATE INDEX upstream_requests_payment ON upstream_requests (project_id, upstream_payment_id);
