-- A daily reconciliation that found local and upstream records disagreeing is announced like the
-- other alerts (issue 14 item 3: "in the dashboard and by notification").
ALTER TABLE notification_events DROP CONSTRAINT notification_events_kind_check;
ALTER TABLE notification_events ADD CONSTRAINT notification_events_kind_check
  CHECK (kind IN ('callback_failed', 'payout_declined', 'refund_large', 'go_live_decided', 'report_ready', 'reconciliation_mismatch'));
