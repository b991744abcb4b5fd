-- The home screen (SPEC §14): country and test/live as filters, and its figures within 150 ms
-- over a million payments. Each figure is read from one covering index (an index-only range
-- scan over the period), so what it filters on sits on the rows it scans.

-- The payment's country: the issuer's country of the card last charged, else the customer's
-- address (server/domain/payment-country.ts, written by the payment store). Payments from before
-- get the address country only: their BINs were never looked up.
ALTER TABLE payments ADD COLUMN country text;
UPDATE payments SET country = upper(btrim(COALESCE(
  CASE WHEN btrim(params->>'customer_country') ~* '^[a-z]{2}$' THEN params->>'customer_country' END,
  CASE WHEN btrim(params->>'billing_country') ~* '^[a-z]{2}$' THEN params->>'billing_country' END)));

-- Conversion counts purchases a charge of which succeeded. The database keeps the flag on every
-- operation write, whoever writes it, so it can never disagree with the operations.
ALTER TABLE payments ADD COLUMN charged boolean NOT NULL DEFAULT false;
UPDATE payments p SET charged = true WHERE EXISTS (SELECT 1 FROM operations o WHERE o.payment_row_id = p.id
  AND o.type IN ('sale', 'auth', 'recurring') AND o.status = 'success');
CREATE FUNCTION payments_mark_charged() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'success' AND NEW.type IN ('sale', 'auth', 'recurring') THEN
    UPDATE payments SET charged = true WHERE id = NEW.payment_row_id AND NOT charged;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER operations_mark_charged AFTER INSERT OR UPDATE OF status ON operations
  FOR EACH ROW EXECUTE FUNCTION payments_mark_charged();

-- A posting carries the facts of its operation and payment as they were when the money moved
-- (postings are append-only, so they never go stale). Filled by the database on insert, so no
-- writer can leave them out; the bulk seed, which joins them anyway, passes them itself.
ALTER TABLE ledger_postings ADD COLUMN payment_row_id text;
ALTER TABLE ledger_postings ADD COLUMN kind text;
ALTER TABLE ledger_postings ADD COLUMN method text;
ALTER TABLE ledger_postings ADD COLUMN country text;
ALTER TABLE ledger_postings ADD COLUMN test boolean;
-- The payment's first paid posting (sale, recurring or capture) carries first_paid: home counts a
-- paid payment once, where its money first arrived, without a COUNT(DISTINCT) that sorts every row.
ALTER TABLE ledger_postings ADD COLUMN first_paid boolean NOT NULL DEFAULT false;
UPDATE ledger_postings lp SET payment_row_id = o.payment_row_id, kind = o.type, method = o.method, country = p.country, test = p.test
  FROM operations o JOIN payments p ON p.id = o.payment_row_id WHERE o.id = lp.operation_id;
UPDATE ledger_postings SET first_paid = true WHERE id IN (
  SELECT DISTINCT ON (payment_row_id) id FROM ledger_postings
   WHERE account = 'acquirer' AND kind IN ('sale', 'recurring', 'capture') ORDER BY payment_row_id, created_at, id);
CREATE INDEX ledger_paid_by_payment ON ledger_postings (payment_row_id)
  WHERE account = 'acquirer' AND kind IN ('sale', 'recurring', 'capture');
CREATE FUNCTION ledger_posting_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.kind IS NOT NULL THEN RETURN NEW; END IF;
  SELECT o.payment_row_id, o.type, o.method, p.country, p.test
    INTO NEW.payment_row_id, NEW.kind, NEW.method, NEW.country, NEW.test
    FROM operations o JOIN payments p ON p.id = o.payment_row_id WHERE o.id = NEW.operation_id;
  -- Postings of one payment are written under its row lock (the version compare-and-set), so two
  -- captures never both see themselves first.
  NEW.first_paid := NEW.account = 'acquirer' AND NEW.kind IN ('sale', 'recurring', 'capture') AND NOT EXISTS (
    SELECT 1 FROM ledger_postings WHERE payment_row_id = NEW.payment_row_id AND account = 'acquirer'
       AND kind IN ('sale', 'recurring', 'capture'));
  RETURN NEW;
END $$;
CREATE TRIGGER ledger_postings_facts BEFORE INSERT ON ledger_postings
  FOR EACH ROW EXECUTE FUNCTION ledger_posting_facts();

-- Money in a period (one currency), purchases opened in it, declines in it.
CREATE INDEX ledger_home ON ledger_postings (currency, created_at)
  INCLUDE (project_id, test, kind, method, country, amount, first_paid) WHERE account = 'acquirer';
CREATE INDEX payments_home ON payments (currency, created_at)
  INCLUDE (project_id, test, method, country, charged) WHERE type = 'purchase';
CREATE INDEX operations_home_declines ON operations (created_at)
  INCLUDE (currency, method, code, message, payment_row_id) WHERE status = 'decline' AND type IN ('sale', 'auth', 'recurring');
