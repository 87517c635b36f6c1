-- #28 The retention purge deletes an announcement's card responses by the ten thousand in one
-- transaction. Each deleted row fired the tally triggers, which updated the same tally row once per
-- response: inside one transaction those row versions cannot be pruned, so the delete grew with the
-- square of the rows (8,000 responses: 10.8 s against 0.25 s without the triggers; a month of a
-- 100k-person tenant would take hours), and it took the purged announcements' acknowledgement and
-- vote totals down to zero, while their delivery counts stay. The purge now marks its transaction
-- (herald.retention_purge, as audit_event_purge() does with herald.audit_purge) and the tallies keep
-- their totals.

CREATE OR REPLACE FUNCTION herald_response_tally()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
  old_ack boolean := TG_OP <> 'INSERT' AND OLD.acknowledged_at IS NOT NULL;
  new_ack boolean := TG_OP <> 'DELETE' AND NEW.acknowledged_at IS NOT NULL;
  old_choice text := CASE WHEN TG_OP <> 'INSERT' THEN OLD.choice END;
  new_choice text := CASE WHEN TG_OP <> 'DELETE' THEN NEW.choice END;
  ann bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.announcement_id ELSE NEW.announcement_id END;
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('herald.retention_purge', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF old_ack <> new_ack THEN
    INSERT INTO response_tally AS t (announcement_id, kind, choice, n)
    VALUES (ann, 'ack', '', CASE WHEN new_ack THEN 1 ELSE -1 END)
    ON CONFLICT (announcement_id, kind, choice) DO UPDATE SET n = t.n + EXCLUDED.n;
  END IF;
  IF old_choice IS DISTINCT FROM new_choice THEN
    IF old_choice IS NOT NULL THEN
      UPDATE response_tally SET n = n - 1 WHERE announcement_id = ann AND kind = 'vote' AND choice = old_choice;
    END IF;
    IF new_choice IS NOT NULL THEN
      INSERT INTO response_tally AS t (announcement_id, kind, choice, n) VALUES (ann, 'vote', new_choice, 1)
      ON CONFLICT (announcement_id, kind, choice) DO UPDATE SET n = t.n + 1;
    END IF;
  END IF;
  RETURN NULL;
END
$function$;

CREATE OR REPLACE FUNCTION herald_variant_response_tally()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
DECLARE
  ack_delta int := (CASE WHEN TG_OP <> 'DELETE' AND NEW.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END)
                 - (CASE WHEN TG_OP <> 'INSERT' AND OLD.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END);
  vote_delta int := (CASE WHEN TG_OP <> 'DELETE' AND NEW.choice IS NOT NULL THEN 1 ELSE 0 END)
                  - (CASE WHEN TG_OP <> 'INSERT' AND OLD.choice IS NOT NULL THEN 1 ELSE 0 END);
  ann bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.announcement_id ELSE NEW.announcement_id END;
  person text := CASE WHEN TG_OP = 'DELETE' THEN OLD.aad_object_id ELSE NEW.aad_object_id END;
  tag text;
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('herald.retention_purge', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF ack_delta = 0 AND vote_delta = 0 THEN
    RETURN NULL;
  END IF;
  SELECT d.variant INTO tag FROM delivery d
  WHERE d.announcement_id = ann AND d.recipient IN (person, lower(person), upper(person)) AND d.variant IS NOT NULL
  LIMIT 1;
  IF tag IS NOT NULL THEN
    UPDATE variant_tally SET acknowledged = acknowledged + ack_delta, voted = voted + vote_delta
    WHERE announcement_id = ann AND variant = tag;
  END IF;
  RETURN NULL;
END
$function$;
