-- Invoices (payment links, SPEC §14): a link /invoice/<id> that EPay turns into a payment of the
-- invoice's project, signed with the project's own secret. `status` moves only through the
-- invoice transition table (server/domain/invoice.ts) with compare-and-set on `version`;
-- `expired` is also read from the clock (an active invoice past `expires_at`).
CREATE TABLE invoices (
  id                  text PRIMARY KEY,
  project_id          bigint NOT NULL REFERENCES projects (id),
  amount              bigint NOT NULL CHECK (amount > 0),
  currency            text NOT NULL,
  description         text,
  customer_email      text,
  customer_phone      text,
  reusable            boolean NOT NULL,
  expires_at          timestamptz,
  status              text NOT NULL CHECK (status IN ('active', 'paid', 'expired', 'cancelled')),
  version             integer NOT NULL DEFAULT 0,
  -- Payments made from the link so far: the next one's number (payment ids `<id>-<n>`).
  opened              integer NOT NULL DEFAULT 0,
  paid_payment_row_id text,
  paid_at             timestamptz,
  created_by          text,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  last_sent_to        text,
  last_sent_at        timestamptz
);
CREATE INDEX invoices_by_project ON invoices (project_id, created_at DESC, id DESC);
CREATE INDEX invoices_by_created ON invoices (created_at DESC, id DESC);

-- The invoice a payment was made from: set once, right after the payment is created and before
-- the shopper gets its page, so every status change of the payment can reach the invoice.
ALTER TABLE payments ADD COLUMN invoice_id text REFERENCES invoices (id);
CREATE INDEX payments_by_invoice ON payments (invoice_id, created_at) WHERE invoice_id IS NOT NULL;
