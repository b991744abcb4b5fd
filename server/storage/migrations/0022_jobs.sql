-- Background jobs in the database (SPEC §14 reports): a job is claimed by one live process at a
-- time (FOR UPDATE SKIP LOCKED, then the holder id), re-claimed only when that holder is dead
-- (lease-holder.ts), and finished by compare-and-set on the holder, so across restarts and
-- several processes each job finishes once.
CREATE TABLE jobs (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,
  org_id       text REFERENCES organisations (id),
  user_id      text,
  params       jsonb NOT NULL,
  status       text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  holder       integer,
  attempts     integer NOT NULL DEFAULT 0,
  file_name    text,
  content_type text,
  size         bigint,
  error        text,
  created_at   timestamptz NOT NULL,
  started_at   timestamptz,
  finished_at  timestamptz,
  expires_at   timestamptz
);
CREATE INDEX jobs_waiting ON jobs (id) WHERE status IN ('queued', 'running');
CREATE INDEX jobs_by_user ON jobs (user_id, kind, id DESC);

-- A finished file in pieces: written as it is produced, so memory holds one piece whatever the
-- report's size, and any process can serve the download.
CREATE TABLE job_file_chunks (
  job_id bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  seq    integer NOT NULL,
  data   bytea NOT NULL,
  PRIMARY KEY (job_id, seq)
);

-- Reports read operations by period.
CREATE INDEX operations_by_created ON operations (created_at);
