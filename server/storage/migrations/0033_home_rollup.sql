-- The home screen over a quarter or a year (SPEC §14, 150 ms): daily aggregates per time zone
-- kept for the organisation, read instead of the ledger, payments and operations when the user's
-- zone is one kept (docs/dashboard.md, "At scale"). A day of a zone is a whole number of the
-- user's days, so a kept zone's period is covered by its rows exactly, without edges.
--
-- Exact, not eventually right: every aggregate is changed by a trigger in the transaction that
-- moves the money, opens the purchase, records the decline or changes a fact they are filtered by
-- (a purchase's method, country, charged flag), so a reader's snapshot sees the rows and their
-- aggregates together. Inserts are statement triggers over the inserted rows (one grouped upsert
-- per statement, so a bulk insert stays one pass); changes of a fact are row triggers that fire
-- only when the fact changed and move the row's contribution from its old key to its new one.
--
-- Each aggregate is spread over slots (the backend's pid mod 4) and summed at read: two
-- payments written at once by different connections rarely wait for one row's lock until the
-- other commits. A slot may go negative when a contribution moves out of it; only sums count.
-- Rows are upserted in key order, so two writers that share a slot lock shared keys in the same
-- order. NULLS NOT DISTINCT keys: a payment without country or method is a key of its own.

CREATE TABLE home_zones (
  zone text PRIMARY KEY
);

-- Acquirer postings: flow = 'paid' for sale, recurring and capture, else the posting's kind.
-- total is signed as the home screen shows it (paid positive, refunds and payouts negative);
-- count is what the screen counts (first paid postings, every refund and payout posting);
-- postings is every posting (a currency with any money in the period is offered).
CREATE TABLE home_money_days (
  zone       text NOT NULL,
  currency   char(3) NOT NULL,
  test       boolean,
  span       text NOT NULL CHECK (span IN ('day', 'month')),
  day        date NOT NULL,
  project_id bigint NOT NULL,
  country    text,
  method     text,
  flow       text,
  slot       smallint NOT NULL,
  total      bigint NOT NULL,
  count      bigint NOT NULL,
  postings   bigint NOT NULL,
  CONSTRAINT home_money_days_key UNIQUE NULLS NOT DISTINCT (zone, currency, test, span, day, project_id, country, method, flow, slot)
);
CREATE INDEX home_money_days_by_day ON home_money_days (zone, test, span, day);

-- Purchases opened on the day, under their current method, country and charged flag.
CREATE TABLE home_purchase_days (
  zone       text NOT NULL,
  currency   char(3) NOT NULL,
  test       boolean,
  span       text NOT NULL CHECK (span IN ('day', 'month')),
  day        date NOT NULL,
  project_id bigint NOT NULL,
  country    text,
  method     text,
  slot       smallint NOT NULL,
  opened     bigint NOT NULL,
  converted  bigint NOT NULL,
  CONSTRAINT home_purchase_days_key UNIQUE NULLS NOT DISTINCT (zone, currency, test, span, day, project_id, country, method, slot)
);
CREATE INDEX home_purchase_days_by_day ON home_purchase_days (zone, test, span, day);

-- Declined charges (sale, auth, recurring) by code and message, under the operation's method and
-- the payment's current project, mode and country (as the index path joins them).
CREATE TABLE home_decline_days (
  zone       text NOT NULL,
  currency   char(3) NOT NULL,
  test       boolean,
  span       text NOT NULL CHECK (span IN ('day', 'month')),
  day        date NOT NULL,
  project_id bigint NOT NULL,
  country    text,
  method     text,
  code       text,
  message    text,
  slot       smallint NOT NULL,
  count      bigint NOT NULL,
  CONSTRAINT home_decline_days_key UNIQUE NULLS NOT DISTINCT (zone, currency, test, span, day, project_id, country, method, code, message, slot)
);

-- Each fact is counted twice: on its local day, and on its local month (day = the 1st), so a
-- year reads about twelve month rows per key and the days at its edges, not 366 days of rows.
CREATE FUNCTION home_day(at timestamptz, zone text, span text) RETURNS date LANGUAGE sql STABLE AS $$
  SELECT CASE span WHEN 'day' THEN (at AT TIME ZONE zone)::date ELSE date_trunc('month', at AT TIME ZONE zone)::date END
$$;

CREATE FUNCTION home_money_days_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO home_money_days AS d (zone, currency, test, span, day, project_id, country, method, flow, slot, total, count, postings)
  SELECT z.zone, n.currency, n.test, s.span, home_day(n.created_at, z.zone, s.span), n.project_id, n.country, n.method,
         CASE WHEN n.kind IN ('sale', 'recurring', 'capture') THEN 'paid' ELSE n.kind END, (pg_backend_pid() % 4)::smallint,
         SUM(CASE WHEN n.kind IN ('sale', 'recurring', 'capture') THEN n.amount ELSE -n.amount END),
         COUNT(*) FILTER (WHERE n.first_paid OR n.kind NOT IN ('sale', 'recurring', 'capture')),
         COUNT(*)
    FROM home_new_rows n CROSS JOIN home_zones z CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE n.account = 'acquirer'
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10
  ON CONFLICT ON CONSTRAINT home_money_days_key
  DO UPDATE SET total = d.total + EXCLUDED.total, count = d.count + EXCLUDED.count, postings = d.postings + EXCLUDED.postings;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_postings_home_days AFTER INSERT ON ledger_postings
  REFERENCING NEW TABLE AS home_new_rows FOR EACH STATEMENT EXECUTE FUNCTION home_money_days_add();

CREATE FUNCTION home_purchase_days_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO home_purchase_days AS d (zone, currency, test, span, day, project_id, country, method, slot, opened, converted)
  SELECT z.zone, n.currency, n.test, s.span, home_day(n.created_at, z.zone, s.span), n.project_id, n.country, n.method,
         (pg_backend_pid() % 4)::smallint, COUNT(*), COUNT(*) FILTER (WHERE n.charged)
    FROM home_new_rows n CROSS JOIN home_zones z CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE n.type = 'purchase'
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT ON CONSTRAINT home_purchase_days_key
  DO UPDATE SET opened = d.opened + EXCLUDED.opened, converted = d.converted + EXCLUDED.converted;
  RETURN NULL;
END $$;
CREATE TRIGGER payments_home_days AFTER INSERT ON payments
  REFERENCING NEW TABLE AS home_new_rows FOR EACH STATEMENT EXECUTE FUNCTION home_purchase_days_add();

-- A purchase's method, country and charged flag change after it opened: its count moves.
CREATE FUNCTION home_purchase_days_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO home_purchase_days AS d (zone, currency, test, span, day, project_id, country, method, slot, opened, converted)
  SELECT z.zone, r.currency, r.test, s.span, home_day(r.created_at, z.zone, s.span), r.project_id, r.country, r.method,
         (pg_backend_pid() % 4)::smallint, SUM(r.sign), COALESCE(SUM(r.sign) FILTER (WHERE r.charged), 0)
    FROM (VALUES (OLD.type, OLD.currency, OLD.test, OLD.created_at, OLD.project_id, OLD.country, OLD.method, OLD.charged, -1),
                 (NEW.type, NEW.currency, NEW.test, NEW.created_at, NEW.project_id, NEW.country, NEW.method, NEW.charged, 1))
           AS r (type, currency, test, created_at, project_id, country, method, charged, sign)
         CROSS JOIN home_zones z CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE r.type = 'purchase'
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  HAVING SUM(r.sign) <> 0 OR COALESCE(SUM(r.sign) FILTER (WHERE r.charged), 0) <> 0
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9
  ON CONFLICT ON CONSTRAINT home_purchase_days_key
  DO UPDATE SET opened = d.opened + EXCLUDED.opened, converted = d.converted + EXCLUDED.converted;
  RETURN NULL;
END $$;
CREATE TRIGGER payments_home_days_moved AFTER UPDATE ON payments FOR EACH ROW
  WHEN ((OLD.type = 'purchase' OR NEW.type = 'purchase') AND
        (OLD.type, OLD.currency, OLD.test, OLD.created_at, OLD.project_id, OLD.country, OLD.method, OLD.charged)
          IS DISTINCT FROM (NEW.type, NEW.currency, NEW.test, NEW.created_at, NEW.project_id, NEW.country, NEW.method, NEW.charged))
  EXECUTE FUNCTION home_purchase_days_move();

CREATE FUNCTION home_decline_days_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO home_decline_days AS d (zone, currency, test, span, day, project_id, country, method, code, message, slot, count)
  SELECT z.zone, n.currency, p.test, s.span, home_day(n.created_at, z.zone, s.span), p.project_id, p.country, n.method, n.code, n.message,
         (pg_backend_pid() % 4)::smallint, COUNT(*)
    FROM home_new_rows n JOIN payments p ON p.id = n.payment_row_id CROSS JOIN home_zones z CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE n.status = 'decline' AND n.type IN ('sale', 'auth', 'recurring')
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  ON CONFLICT ON CONSTRAINT home_decline_days_key DO UPDATE SET count = d.count + EXCLUDED.count;
  RETURN NULL;
END $$;
CREATE TRIGGER operations_home_days AFTER INSERT ON operations
  REFERENCING NEW TABLE AS home_new_rows FOR EACH STATEMENT EXECUTE FUNCTION home_decline_days_add();

-- An operation that becomes (or stops being) a declined charge, or whose reason changes.
CREATE FUNCTION home_decline_days_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO home_decline_days AS d (zone, currency, test, span, day, project_id, country, method, code, message, slot, count)
  SELECT z.zone, r.currency, p.test, s.span, home_day(r.created_at, z.zone, s.span), p.project_id, p.country, r.method, r.code, r.message,
         (pg_backend_pid() % 4)::smallint, SUM(r.sign)
    FROM (VALUES (OLD.status, OLD.type, OLD.payment_row_id, OLD.currency, OLD.created_at, OLD.method, OLD.code, OLD.message, -1),
                 (NEW.status, NEW.type, NEW.payment_row_id, NEW.currency, NEW.created_at, NEW.method, NEW.code, NEW.message, 1))
           AS r (status, type, payment_row_id, currency, created_at, method, code, message, sign)
         JOIN payments p ON p.id = r.payment_row_id CROSS JOIN home_zones z CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE r.status = 'decline' AND r.type IN ('sale', 'auth', 'recurring')
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  HAVING SUM(r.sign) <> 0
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  ON CONFLICT ON CONSTRAINT home_decline_days_key DO UPDATE SET count = d.count + EXCLUDED.count;
  RETURN NULL;
END $$;
CREATE TRIGGER operations_home_days_moved AFTER UPDATE ON operations FOR EACH ROW
  WHEN ((OLD.status = 'decline' OR NEW.status = 'decline') AND
        (OLD.status, OLD.type, OLD.payment_row_id, OLD.currency, OLD.created_at, OLD.method, OLD.code, OLD.message)
          IS DISTINCT FROM (NEW.status, NEW.type, NEW.payment_row_id, NEW.currency, NEW.created_at, NEW.method, NEW.code, NEW.message))
  EXECUTE FUNCTION home_decline_days_move();

-- A payment's project, mode or country changes: its declines move with it (they are counted under
-- the payment's current facts). Rare: the country changes when a card of another country is tried.
CREATE FUNCTION home_decline_days_payment_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO home_decline_days AS d (zone, currency, test, span, day, project_id, country, method, code, message, slot, count)
  SELECT z.zone, o.currency, r.test, s.span, home_day(o.created_at, z.zone, s.span), r.project_id, r.country, o.method, o.code, o.message,
         (pg_backend_pid() % 4)::smallint, SUM(r.sign)
    FROM (VALUES (OLD.test, OLD.project_id, OLD.country, -1), (NEW.test, NEW.project_id, NEW.country, 1)) AS r (test, project_id, country, sign)
         CROSS JOIN operations o CROSS JOIN home_zones z CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE o.payment_row_id = NEW.id AND o.status = 'decline' AND o.type IN ('sale', 'auth', 'recurring')
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  HAVING SUM(r.sign) <> 0
   ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
  ON CONFLICT ON CONSTRAINT home_decline_days_key DO UPDATE SET count = d.count + EXCLUDED.count;
  RETURN NULL;
END $$;
CREATE TRIGGER payments_home_declines_moved AFTER UPDATE ON payments FOR EACH ROW
  WHEN ((OLD.test, OLD.project_id, OLD.country) IS DISTINCT FROM (NEW.test, NEW.project_id, NEW.country))
  EXECUTE FUNCTION home_decline_days_payment_moved();

-- Rows are never deleted by the application; a TRUNCATE (tests, a wiped demo) empties what it fed.
CREATE FUNCTION home_days_truncated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'ledger_postings' THEN DELETE FROM home_money_days;
  ELSIF TG_TABLE_NAME = 'operations' THEN DELETE FROM home_decline_days;
  ELSE DELETE FROM home_purchase_days; DELETE FROM home_decline_days;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ledger_postings_home_days_truncated AFTER TRUNCATE ON ledger_postings
  FOR EACH STATEMENT EXECUTE FUNCTION home_days_truncated();
CREATE TRIGGER operations_home_days_truncated AFTER TRUNCATE ON operations
  FOR EACH STATEMENT EXECUTE FUNCTION home_days_truncated();
CREATE TRIGGER payments_home_days_truncated AFTER TRUNCATE ON payments
  FOR EACH STATEMENT EXECUTE FUNCTION home_days_truncated();

-- The triggers above run only while a zone is kept. With none (the default) a payment's writes
-- would still pay for each call and its transition table: measured on PGlite, about a tenth of
-- the card payments a second. home_keep_zone turns them on, home_forget_zone off with the last.
CREATE FUNCTION home_triggers(enable boolean) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('ledger_postings', 'ledger_postings_home_days'), ('payments', 'payments_home_days'),
    ('payments', 'payments_home_days_moved'), ('operations', 'operations_home_days'),
    ('operations', 'operations_home_days_moved'), ('payments', 'payments_home_declines_moved')) AS x (tbl, name)
  LOOP
    EXECUTE format('ALTER TABLE %I %s TRIGGER %I', t.tbl, CASE WHEN enable THEN 'ENABLE' ELSE 'DISABLE' END, t.name);
  END LOOP;
END $$;
SELECT home_triggers(false);

-- Starts keeping a zone: its aggregates of everything so far, in one transaction that holds off
-- writers (in-flight writes finish first, new ones wait), so every row is counted once —
-- here, or by the triggers of a write that runs after the zone is in home_zones. False when the
-- zone was kept already. An unknown zone fails (AT TIME ZONE refuses it).
CREATE FUNCTION home_keep_zone(kept text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM now() AT TIME ZONE kept;
  -- Every server process asks at start: one that finds the zone kept takes no lock.
  IF EXISTS (SELECT 1 FROM home_zones WHERE zone = kept) THEN RETURN false; END IF;
  -- Waiting for the lock queues every payment write behind it: give up rather than stall them.
  SET LOCAL lock_timeout = '5s';
  -- SHARE ROW EXCLUSIVE: writers wait (as for SHARE) and so does another server adding a zone at
  -- the same time, which then finds it kept; it is also what turning the triggers on takes.
  LOCK TABLE payments, operations, ledger_postings IN SHARE ROW EXCLUSIVE MODE;
  INSERT INTO home_zones (zone) VALUES (kept) ON CONFLICT DO NOTHING;
  IF NOT FOUND THEN RETURN false; END IF;
  PERFORM home_triggers(true);
  INSERT INTO home_money_days (zone, currency, test, span, day, project_id, country, method, flow, slot, total, count, postings)
  SELECT kept, n.currency, n.test, s.span, home_day(n.created_at, kept, s.span), n.project_id, n.country, n.method,
         CASE WHEN n.kind IN ('sale', 'recurring', 'capture') THEN 'paid' ELSE n.kind END, 0,
         SUM(CASE WHEN n.kind IN ('sale', 'recurring', 'capture') THEN n.amount ELSE -n.amount END),
         COUNT(*) FILTER (WHERE n.first_paid OR n.kind NOT IN ('sale', 'recurring', 'capture')),
         COUNT(*)
    FROM ledger_postings n CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE n.account = 'acquirer'
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10;
  INSERT INTO home_purchase_days (zone, currency, test, span, day, project_id, country, method, slot, opened, converted)
  SELECT kept, n.currency, n.test, s.span, home_day(n.created_at, kept, s.span), n.project_id, n.country, n.method, 0,
         COUNT(*), COUNT(*) FILTER (WHERE n.charged)
    FROM payments n CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE n.type = 'purchase'
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9;
  INSERT INTO home_decline_days (zone, currency, test, span, day, project_id, country, method, code, message, slot, count)
  SELECT kept, n.currency, p.test, s.span, home_day(n.created_at, kept, s.span), p.project_id, p.country, n.method, n.code, n.message, 0, COUNT(*)
    FROM operations n JOIN payments p ON p.id = n.payment_row_id CROSS JOIN (VALUES ('day'), ('month')) AS s (span)
   WHERE n.status = 'decline' AND n.type IN ('sale', 'auth', 'recurring')
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
  RETURN true;
END $$;

-- Stops keeping a zone (its users then get the index path).
CREATE FUNCTION home_forget_zone(kept text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  forgot boolean;
BEGIN
  LOCK TABLE payments, operations, ledger_postings IN SHARE ROW EXCLUSIVE MODE;
  DELETE FROM home_money_days WHERE zone = kept;
  DELETE FROM home_purchase_days WHERE zone = kept;
  DELETE FROM home_decline_days WHERE zone = kept;
  DELETE FROM home_zones WHERE zone = kept;
  forgot := FOUND;
  IF NOT EXISTS (SELECT FROM home_zones) THEN PERFORM home_triggers(false); END IF;
  RETURN forgot;
END $$;
