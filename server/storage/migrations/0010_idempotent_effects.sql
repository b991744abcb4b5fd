-- Idempotency-Key records bound to the effect they produced (issue 9): the payment and the
-- operation a keyed request created are written in the same transaction as these columns, so a
-- retry after a crash finds them instead of running the request a second time.
-- `holder` is the lease holder (a process's id, live while its database session is); `claim`
-- fences a taken-over key: only the claim that still holds the key may bind an effect to it.
ALTER TABLE idempotency_keys ADD COLUMN holder bigint;
ALTER TABLE idempotency_keys ADD COLUMN claim text;
ALTER TABLE idempotency_keys ADD COLUMN payment_row_id text;
ALTER TABLE idempotency_keys ADD COLUMN operation_id bigint;

-- When the stalled-attempt resolver last looked at an operation it could not settle: the queue
-- is ordered by it, so attempts that stay undecided never starve the ones behind them.
ALTER TABLE operations ADD COLUMN checked_at timestamptz;

-- Gate payments left `new` by a crash between creating the payment and starting its attempt.
CREATE INDEX IF NOT EXISTS payments_gate_unstarted_idx ON payments (created_at) WHERE status = 'new' AND channel = 'gate';
