-- Test and live never mix: a payment records when it is created whether it is a test payment
-- (served only by the simulators, marked in callbacks and status) and where it was started (the
-- hosted page, or the Gate, whose merchant is the one who sends the shopper to 3-D Secure).
-- Every payment before this migration was served by a simulator, whatever its project said, so
-- every one of them is a test payment.
ALTER TABLE payments ADD COLUMN test boolean;
ALTER TABLE payments ADD COLUMN channel text;
UPDATE payments SET test = true,
  channel = CASE WHEN params->>'source' = 'gate' AND max_attempts = 1 THEN 'gate' ELSE 'page' END;
ALTER TABLE payments ALTER COLUMN test SET NOT NULL;
ALTER TABLE payments ALTER COLUMN channel SET NOT NULL;

-- A return from the ACS or a wallet resumes its attempt once: the first return is recorded here,
-- and a replayed return token (MD) finds its attempt already resumed.
CREATE TABLE attempt_returns (
  operation_id bigint PRIMARY KEY,
  returned_at  timestamptz NOT NULL
);

-- What the simulated ACS and wallet pages show the shopper (merchant, amount, last four digits,
-- language), as a real ACS learns them from the authentication request; and where the ACS
-- returns the shopper to (the requestor's MD and TermUrl), so its pages can be plain GETs.
ALTER TABLE sim_card_authorisations ADD COLUMN challenge text;
ALTER TABLE sim_card_authorisations ADD COLUMN acs_return text;
ALTER TABLE sim_wallet_payments ADD COLUMN shown text;
