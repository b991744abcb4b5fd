-- Saved cards. The PAN is stored only sealed (AES-256-GCM, versioned key); BIN and last four
-- in clear for display. The CVC has no column anywhere: it is never stored.
CREATE TABLE card_tokens (
  token       text PRIMARY KEY,
  project_id  bigint NOT NULL REFERENCES projects (id),
  customer_id text NOT NULL,
  pan_sealed  text NOT NULL,
  key_id      text NOT NULL,
  bin         text NOT NULL,
  last4       text NOT NULL,
  brand       text NOT NULL,
  exp_month   integer NOT NULL,
  exp_year    integer NOT NULL,
  holder      text,
  created_at  timestamptz NOT NULL,
  deleted_at  timestamptz
);
CREATE INDEX card_tokens_by_customer ON card_tokens (project_id, customer_id) WHERE deleted_at IS NULL;

-- Where an operation waits for the shopper (3-D Secure ACS, wallet page), and when the shopper
-- came back from it, so a reloaded page does not send them there twice.
ALTER TABLE operations ADD COLUMN redirect_method text;
ALTER TABLE operations ADD COLUMN redirect_url text;
ALTER TABLE operations ADD COLUMN returned_at timestamptz;
ALTER TABLE operations ADD COLUMN account_token text;
ALTER TABLE operations ADD COLUMN method text NOT NULL DEFAULT 'card';
ALTER TABLE payments ADD COLUMN save_card text NOT NULL DEFAULT 'never';
ALTER TABLE payments ADD COLUMN force_method text;
ALTER TABLE payments ADD COLUMN theme text;
ALTER TABLE payments ADD COLUMN return_mode text;

-- The simulated Jeton wallet's own records, like an external wallet's.
CREATE TABLE sim_wallet_payments (
  reference   text PRIMARY KEY,
  amount      bigint NOT NULL,
  currency    char(3) NOT NULL,
  return_url  text NOT NULL,
  result      text,
  account     text,
  created_at  timestamptz NOT NULL DEFAULT now()
);
