-- The platform's commission on a project's paid money, in basis points (150 = 1.50 %). It is
-- posted to the ledger when the money arrives (sale or capture), so a later change of rate never
-- re-prices what was already paid.
ALTER TABLE projects ADD COLUMN commission_bps integer NOT NULL DEFAULT 0
  CHECK (commission_bps >= 0 AND commission_bps <= 10000);
