-- The journal (SPEC §14): every sign-in, failure and dashboard action, append-only. Each row
-- carries the hash of the previous row of its chain (one chain per organisation, `platform`
-- for the rest), so a row changed or removed breaks the chain (`cli journal verify`).
CREATE TABLE journal (
  id          bigserial PRIMARY KEY,
  chain       text NOT NULL,
  seq         bigint NOT NULL,
  at          timestamptz NOT NULL,
  org_id      text,
  actor_id    text,
  actor_email text,
  ip          text,
  user_agent  text,
  action      text NOT NULL,
  project_id  bigint,
  target      text,
  -- Canonical JSON text, hashed as stored.
  before      text,
  after       text,
  prev_hash   text NOT NULL,
  hash        text NOT NULL,
  UNIQUE (chain, seq)
);
CREATE INDEX journal_by_org ON journal (org_id, id DESC);
CREATE INDEX journal_by_org_time ON journal (org_id, at DESC);

-- The head of each chain: appends take its row lock, so concurrent writers take turns, and a
-- removed last row no longer matches the head.
CREATE TABLE journal_heads (
  chain text PRIMARY KEY,
  seq   bigint NOT NULL,
  hash  text NOT NULL
);

-- Append-only for the application: updates and deletes of journal rows do nothing. Someone
-- with DDL rights can drop these rules, which is what the hash chain is for.
CREATE RULE journal_no_update AS ON UPDATE TO journal DO INSTEAD NOTHING;
CREATE RULE journal_no_delete AS ON DELETE TO journal DO INSTEAD NOTHING
