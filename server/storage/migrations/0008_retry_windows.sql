-- Declined purchases the shopper may still retry: the job that ends their retry window (and
-- sends the final decline callback) finds them without scanning every payment.
CREATE INDEX IF NOT EXISTS payments_open_retry_idx ON payments (updated_at)
  WHERE status = 'decline' AND type = 'purchase' AND attempts < max_attempts;
