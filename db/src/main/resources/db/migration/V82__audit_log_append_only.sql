-- #23 Nobody can change or empty the audit log, not even the application itself.
--
-- Privileges: every role other than the table's owner (in production, the role Herald
-- connects as; Flyway runs as the owner, see docs/security.md) loses UPDATE, DELETE and
-- TRUNCATE, and may INSERT only the columns Herald writes: the database stamps the id and
-- the time, so a row cannot be back-dated. The purge goes through audit_event_purge()
-- below, which runs with the owner's rights.
--
-- Triggers: privileges do not bind the owner or a superuser (local mode and the tests
-- connect as one), so UPDATE, DELETE and TRUNCATE are refused by triggers as well. The
-- only DELETE they let through is the purge function's, and only of rows older than the
-- 90-day floor.

CREATE FUNCTION audit_event_guard_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('herald.audit_purge', true) = 'on' AND OLD.at < now() - interval '90 days' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit_event is append-only: rows are deleted only by audit_event_purge(), after 90 days at least';
END $$;

CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_guard_delete();

CREATE FUNCTION audit_event_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only: TRUNCATE is refused';
END $$;

CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_truncate();

-- The retention purge: the days come from the setting (audit.retention-days; unset, 0 or
-- not a number keeps everything), never fewer than 90. Runs as the owner, so the
-- application role needs no DELETE privilege; returns how many rows went.
CREATE FUNCTION audit_event_purge() RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
  keep_days integer;
  purged integer;
BEGIN
  SELECT CASE WHEN value ~ '^\s*[0-9]{1,6}\s*$' THEN trim(value)::integer END INTO keep_days
    FROM app_setting WHERE key = 'audit.retention-days';
  IF keep_days IS NULL OR keep_days <= 0 THEN
    RETURN 0;
  END IF;
  keep_days := greatest(keep_days, 90);
  PERFORM set_config('herald.audit_purge', 'on', true);
  DELETE FROM audit_event WHERE at < now() - make_interval(days => keep_days);
  GET DIAGNOSTICS purged = ROW_COUNT;
  PERFORM set_config('herald.audit_purge', 'off', true);
  RETURN purged;
END $$;

REVOKE ALL ON FUNCTION audit_event_purge() FROM PUBLIC;

-- Roles granted rights on the table so far (e.g. by ALTER DEFAULT PRIVILEGES before the
-- first migration): append and read only, plus the purge function.
DO $$
DECLARE
  owner_oid oid := (SELECT relowner FROM pg_class WHERE oid = 'audit_event'::regclass);
  grantee name;
BEGIN
  REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM PUBLIC;
  FOR grantee IN
    SELECT DISTINCT r.rolname
    FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee
    WHERE c.oid = 'audit_event'::regclass AND a.grantee <> owner_oid
  LOOP
    EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM %I', grantee);
    IF has_table_privilege(grantee, 'audit_event', 'INSERT') THEN
      EXECUTE format('REVOKE INSERT ON audit_event FROM %I', grantee);
      EXECUTE format('GRANT INSERT (actor_id, actor_name, actor_kind, action, announcement_id, summary) '
        || 'ON audit_event TO %I', grantee);
      EXECUTE format('GRANT EXECUTE ON FUNCTION audit_event_purge() TO %I', grantee);
    END IF;
  END LOOP;
END $$;
