-- #15 The audit log: append-only, one row per state-changing act. Only the retention job
-- (its own setting, audit.retention-days) deletes rows; the trigger refuses updates.
CREATE TABLE audit_event (
  id              bigserial   PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor_id        text        NOT NULL,
  actor_name      text        NOT NULL,
  actor_kind      text        NOT NULL CHECK (actor_kind IN ('person', 'client', 'system')),
  action          text        NOT NULL,
  announcement_id bigint,
  summary         text        NOT NULL
);
CREATE INDEX audit_event_at_ix ON audit_event (at);
CREATE INDEX audit_event_announcement_ix ON audit_event (announcement_id, id) WHERE announcement_id IS NOT NULL;
CREATE INDEX audit_event_actor_ix ON audit_event (actor_id, id);

CREATE FUNCTION audit_event_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_event is append-only';
END $$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION audit_event_immutable();
