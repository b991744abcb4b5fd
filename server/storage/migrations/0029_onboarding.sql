-- Onboarding (SPEC §14): self-registration by emailed link, go-live requests with documents,
-- and suspension of an organisation by a platform operator.

-- A suspended organisation's people cannot sign in and its projects take no new payments.
ALTER TABLE organisations ADD COLUMN suspended_at timestamptz;
ALTER TABLE organisations ADD COLUMN suspended_reason text;

-- Projects are cached per process and read with their organisation's suspension: a change of it
-- must reach every process's cache as a change of projects does (0017_project_changes.sql). At
-- statement level the notification names no project, so every cached project is reloaded.
CREATE TRIGGER organisations_version BEFORE UPDATE OF suspended_at ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION epay_bump_project_version();
CREATE TRIGGER organisations_changed AFTER UPDATE OF suspended_at ON organisations
  FOR EACH STATEMENT EXECUTE FUNCTION epay_notify_project_change('id');

-- A registration waiting for its emailed link: nothing else exists until the link is used, so
-- an address nobody verified holds no account, no organisation and no name. Only the token's
-- SHA-256 is kept, as for reset and invitation links.
CREATE TABLE dashboard_signups (
  token_hash   text PRIMARY KEY,
  email        text NOT NULL,
  organisation text NOT NULL,
  language     text NOT NULL,
  created_at   timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  used_at      timestamptz
);
CREATE INDEX dashboard_signups_by_email ON dashboard_signups (email);

-- Going live: a project's owner uploads documents, then asks; a platform operator approves
-- (the project becomes live) or rejects with a reason. One open request per project.
CREATE TABLE golive_requests (
  id            text PRIMARY KEY,
  org_id        text NOT NULL REFERENCES organisations (id),
  project_id    bigint NOT NULL REFERENCES projects (id),
  status        text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  note          text,
  requested_by  text NOT NULL REFERENCES dashboard_users (id),
  requested_at  timestamptz NOT NULL,
  decided_by    text REFERENCES dashboard_users (id),
  decided_at    timestamptz,
  reason        text,
  CHECK ((status = 'pending') = (decided_at IS NULL)),
  CHECK (status <> 'rejected' OR reason IS NOT NULL)
);
CREATE UNIQUE INDEX golive_requests_one_pending ON golive_requests (project_id) WHERE status = 'pending';
CREATE INDEX golive_requests_by_org ON golive_requests (org_id, requested_at DESC);

-- Documents in the database, not on disk: every server process (and the PGlite embedded one)
-- reads the same rows, a backup holds them with the request they belong to, and no file path
-- can ever fall under a directory the server serves. At most 10 MB each (checked before any
-- row is written). Uploaded first (request_id NULL), then attached by the request.
CREATE TABLE golive_documents (
  id           text PRIMARY KEY,
  org_id       text NOT NULL REFERENCES organisations (id),
  project_id   bigint NOT NULL REFERENCES projects (id),
  request_id   text REFERENCES golive_requests (id),
  file_name    text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
  size         integer NOT NULL CHECK (size > 0 AND size <= 10485760),
  sha256       text NOT NULL,
  data         bytea NOT NULL,
  uploaded_by  text NOT NULL REFERENCES dashboard_users (id),
  created_at   timestamptz NOT NULL
);
CREATE INDEX golive_documents_by_project ON golive_documents (project_id, created_at);
CREATE INDEX golive_documents_by_request ON golive_documents (request_id);
