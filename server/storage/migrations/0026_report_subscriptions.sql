-- Report subscriptions (SPEC §14, issue 13): a report mailed daily, weekly or monthly. The
-- scheduler takes a due run by compare-and-set on next_run_at, in the transaction that queues
-- its report job, so across processes and restarts each run is queued once.
CREATE TABLE report_subscriptions (
  id              bigserial PRIMARY KEY,
  org_id          text REFERENCES organisations (id),
  user_id         text NOT NULL REFERENCES dashboard_users (id),
  report          text NOT NULL CHECK (report IN ('operations', 'statistics')),
  format          text NOT NULL CHECK (format IN ('csv', 'xlsx')),
  mode            text NOT NULL CHECK (mode IN ('test', 'live')),
  project_id      bigint,
  cadence         text NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
  hour            integer NOT NULL CHECK (hour BETWEEN 0 AND 23),
  tz              text NOT NULL,
  recipients      jsonb NOT NULL,
  active          boolean NOT NULL DEFAULT true,
  next_run_at     timestamptz NOT NULL,
  -- The subscriber's last date the queued runs covered: the next run starts the day after.
  last_period_end date NOT NULL,
  last_job_id     bigint,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL
);
CREATE INDEX report_subscriptions_due ON report_subscriptions (next_run_at) WHERE active;
CREATE INDEX report_subscriptions_by_user ON report_subscriptions (user_id, id);

-- One row per report job and recipient, written before the mail is handed to SMTP: a job
-- run again (its process died) never mails an address twice. At most once, by choice: a
-- duplicate report is worse than one the subscriber can make on the Reports screen.
CREATE TABLE report_subscription_mail (
  job_id    bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  recipient text NOT NULL,
  sent_at   timestamptz,
  PRIMARY KEY (job_id, recipient)
);
