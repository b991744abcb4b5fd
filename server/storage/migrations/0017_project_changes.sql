-- What request handlers cache per process (project rows, limits, provider connections) must not
-- outlive a change made by another process (docs/decisions.md, "Projects cached per process").
-- Every change bumps one version in the changing transaction, so a reader comparing versions
-- cannot miss a committed change, and announces the project on a NOTIFY channel after commit.
CREATE TABLE project_change_version (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  version  bigint NOT NULL
);

INSERT INTO project_change_version (only_row, version) VALUES (true, 0);

-- BEFORE each statement: the version row is locked before any project row the statement
-- touches, in every transaction, so two writers cannot wait on each other in opposite orders.
-- A sequence would not do: its value is visible before the change commits, and a reader could
-- reload the old row under the new version and keep it.
CREATE FUNCTION epay_bump_project_version() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
  UPDATE project_change_version SET version = version + 1;
  RETURN NULL;
END
$$;

-- AFTER each row (or a TRUNCATE, project null: everything): which project changed.
-- TG_ARGV[0] names the table's project id column. Both functions keep the schema they were
-- created in, so a session with another search path still bumps this schema's version.
CREATE FUNCTION epay_notify_project_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
  changed text;
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    changed := CASE WHEN TG_OP = 'DELETE' THEN to_jsonb(OLD) ->> TG_ARGV[0] ELSE to_jsonb(NEW) ->> TG_ARGV[0] END;
    IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> TG_ARGV[0]) IS DISTINCT FROM changed THEN
      changed := NULL;
    END IF;
  END IF;
  PERFORM pg_notify('epay_project_changes', json_build_object('schema', TG_TABLE_SCHEMA, 'project', changed::bigint)::text);
  RETURN NULL;
END
$$;

CREATE TRIGGER projects_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON projects
  FOR EACH STATEMENT EXECUTE FUNCTION epay_bump_project_version();
CREATE TRIGGER projects_changed AFTER INSERT OR UPDATE OR DELETE ON projects
  FOR EACH ROW EXECUTE FUNCTION epay_notify_project_change('id');
CREATE TRIGGER projects_truncated AFTER TRUNCATE ON projects
  FOR EACH STATEMENT EXECUTE FUNCTION epay_notify_project_change('id');

CREATE TRIGGER project_limits_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_limits
  FOR EACH STATEMENT EXECUTE FUNCTION epay_bump_project_version();
CREATE TRIGGER project_limits_changed AFTER INSERT OR UPDATE OR DELETE ON project_limits
  FOR EACH ROW EXECUTE FUNCTION epay_notify_project_change('project_id');
CREATE TRIGGER project_limits_truncated AFTER TRUNCATE ON project_limits
  FOR EACH STATEMENT EXECUTE FUNCTION epay_notify_project_change('project_id');

CREATE TRIGGER provider_connections_version BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON provider_connections
  FOR EACH STATEMENT EXECUTE FUNCTION epay_bump_project_version();
CREATE TRIGGER provider_connections_changed AFTER INSERT OR UPDATE OR DELETE ON provider_connections
  FOR EACH ROW EXECUTE FUNCTION epay_notify_project_change('project_id');
CREATE TRIGGER provider_connections_truncated AFTER TRUNCATE ON provider_connections
  FOR EACH STATEMENT EXECUTE FUNCTION epay_notify_project_change('project_id');
