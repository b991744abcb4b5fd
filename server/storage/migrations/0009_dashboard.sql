-- Merchant dashboard (SPEC §14): organisations own projects; users belong to one organisation
-- (or none, for platform operators) with one role, optionally narrowed to some projects.
CREATE TABLE organisations (
  id         text PRIMARY KEY,
  name       text NOT NULL,
  created_at timestamptz NOT NULL
);

ALTER TABLE projects ADD COLUMN org_id text REFERENCES organisations (id);
-- Projects made before organisations existed join "Default" (id org_default), as `project add`
-- without --org does from now on.
INSERT INTO organisations (id, name, created_at) SELECT 'org_default', 'Default', now() WHERE EXISTS (SELECT 1 FROM projects);
UPDATE projects SET org_id = 'org_default' WHERE org_id IS NULL;
-- NULL: every method the payment fits (the behaviour before this column existed).
ALTER TABLE projects ADD COLUMN methods jsonb;
ALTER TABLE projects ADD COLUMN theme text;
CREATE INDEX projects_by_org ON projects (org_id, id);

CREATE TABLE dashboard_users (
  id                  text PRIMARY KEY,
  org_id              text REFERENCES organisations (id),
  email               text NOT NULL,
  -- scrypt, parameters inside the string; NULL until an invited member sets a password.
  password_hash       text,
  role                text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'viewer', 'developer', 'platform')),
  -- NULL: every project of the organisation.
  project_ids         jsonb,
  language            text NOT NULL DEFAULT 'en',
  totp_secret         text,
  totp_enabled        boolean NOT NULL DEFAULT false,
  -- The last TOTP time step accepted: a code is good once (RFC 6238 §5.2).
  totp_last_step      bigint,
  disabled_at         timestamptz,
  last_sign_in_at     timestamptz,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL,
  CHECK ((role = 'platform') = (org_id IS NULL))
);
CREATE UNIQUE INDEX dashboard_users_email ON dashboard_users (email);
CREATE INDEX dashboard_users_by_org ON dashboard_users (org_id);

-- Hashed one-time recovery codes; a used one stays with used_at so it cannot be used again.
CREATE TABLE dashboard_recovery_codes (
  user_id   text NOT NULL REFERENCES dashboard_users (id),
  code_hash text NOT NULL,
  used_at   timestamptz,
  PRIMARY KEY (user_id, code_hash)
);

-- Server-side sessions: the cookie holds a random token, the row only its SHA-256, so a copy
-- of the database does not hand out live sessions.
CREATE TABLE dashboard_sessions (
  id           text PRIMARY KEY,
  token_hash   text NOT NULL UNIQUE,
  user_id      text NOT NULL REFERENCES dashboard_users (id),
  -- Password checked, second factor still due: the session allows only that step.
  pending_totp boolean NOT NULL,
  totp_failures integer NOT NULL DEFAULT 0,
  ip           text NOT NULL,
  user_agent   text NOT NULL,
  created_at   timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at   timestamptz NOT NULL,
  revoked_at   timestamptz
);
CREATE INDEX dashboard_sessions_by_user ON dashboard_sessions (user_id, created_at);

-- Single-use emailed links (password reset, invitation): only the token's SHA-256 is kept.
CREATE TABLE dashboard_tokens (
  token_hash text PRIMARY KEY,
  kind       text NOT NULL CHECK (kind IN ('reset', 'invite')),
  user_id    text NOT NULL REFERENCES dashboard_users (id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at    timestamptz
);
CREATE INDEX dashboard_tokens_by_user ON dashboard_tokens (user_id, kind);

-- Mail kept in demo mode without SMTP_URL, readable at /dashboard/dev/mail.
CREATE TABLE dashboard_mail (
  id         text PRIMARY KEY,
  to_address text NOT NULL,
  subject    text NOT NULL,
  text_body  text NOT NULL,
  created_at timestamptz NOT NULL
);

-- Monthly limits beside the daily ones (SPEC §14, Projects); NULL means no limit.
ALTER TABLE project_limits ADD COLUMN monthly_amount bigint CHECK (monthly_amount > 0);
ALTER TABLE project_limits ADD COLUMN monthly_count integer CHECK (monthly_count > 0);
CREATE TABLE monthly_totals (
  project_id bigint NOT NULL REFERENCES projects (id),
  operation  text NOT NULL,
  currency   char(3) NOT NULL,
  month      date NOT NULL,
  amount     bigint NOT NULL DEFAULT 0,
  count      integer NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, operation, currency, month)
);
