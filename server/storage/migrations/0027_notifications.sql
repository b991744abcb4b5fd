-- Notifications (SPEC §14, issue 13 item 6). An event row is written by the change that causes
-- it, in the same transaction (a payout declined, a large refund, a callback given up, a report
-- finished, a go-live decision), under a key naming its cause, so a retried or reprocessed
-- change adds no second event. A background pass fans each event out to the users who should
-- see it (one row per user, unique per event) and mails those who chose email.
CREATE TABLE notification_events (
  id            bigserial PRIMARY KEY,
  event_key     text NOT NULL UNIQUE,
  kind          text NOT NULL CHECK (kind IN ('callback_failed', 'payout_declined', 'refund_large', 'go_live_decided', 'report_ready')),
  org_id        text REFERENCES organisations (id),
  project_id    bigint,
  -- Set for an event meant for one user only (their report is ready).
  user_id       text,
  params        jsonb NOT NULL,
  created_at    timestamptz NOT NULL,
  fanned_out_at timestamptz
);
CREATE INDEX notification_events_waiting ON notification_events (id) WHERE fanned_out_at IS NULL;

CREATE TABLE notifications (
  id                 bigserial PRIMARY KEY,
  event_id           bigint NOT NULL REFERENCES notification_events (id),
  user_id            text NOT NULL REFERENCES dashboard_users (id),
  created_at         timestamptz NOT NULL,
  read_at            timestamptz,
  email              text NOT NULL CHECK (email IN ('none', 'pending', 'sent', 'failed')),
  email_attempts     integer NOT NULL DEFAULT 0,
  email_locked_until timestamptz,
  UNIQUE (event_id, user_id)
);
CREATE INDEX notifications_by_user ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_mail_due ON notifications (id) WHERE email = 'pending';

-- A user's email choice per kind; no row means the kind's default (docs/dashboard.md).
CREATE TABLE notification_preferences (
  user_id text NOT NULL REFERENCES dashboard_users (id),
  kind    text NOT NULL,
  email   boolean NOT NULL,
  PRIMARY KEY (user_id, kind)
);

-- A refund of at least this many major units of its currency is "large" (1 000.00 EUR,
-- 1 000 JPY, 1 000.000 KWD): one number per organisation, whatever the currency.
ALTER TABLE organisations ADD COLUMN large_refund_major bigint NOT NULL DEFAULT 1000 CHECK (large_refund_major > 0);
