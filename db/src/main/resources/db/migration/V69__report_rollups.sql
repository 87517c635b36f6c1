-- Reports at a million recipients (#18): every figure of a report comes from a counter, a small
-- rollup or an index, never from a scan of the ledger per request. The rollups are kept by
-- triggers on the tables whose writes they summarise, so no writer's code has to know about them,
-- and none is on the ledger itself (the dispatcher updates each row three times; a trigger or an
-- index there would tax every send).

-- Deliveries per second of each announcement, for the rate chart. The outcome writer moves the
-- announcement's counters once per batch, in the same statement as the ledger rows and with the
-- same now() it stamps on them, so a row trigger on announcement sees every delivery exactly once
-- and at the ledger's own time: one upsert per batch, not per row.
CREATE TABLE delivery_rate (
  announcement_id bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  second          timestamptz NOT NULL,
  delivered       integer     NOT NULL,
  PRIMARY KEY (announcement_id, second)
);

CREATE FUNCTION herald_delivery_rate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO delivery_rate AS r (announcement_id, second, delivered)
  VALUES (NEW.id, date_trunc('second', now()), NEW.delivered - OLD.delivered)
  ON CONFLICT (announcement_id, second) DO UPDATE SET delivered = r.delivered + EXCLUDED.delivered;
  RETURN NULL;
END
$$;

CREATE TRIGGER announcement_delivery_rate AFTER UPDATE OF delivered ON announcement
  FOR EACH ROW WHEN (NEW.delivered > OLD.delivered) EXECUTE FUNCTION herald_delivery_rate();

INSERT INTO delivery_rate (announcement_id, second, delivered)
SELECT announcement_id, date_trunc('second', updated_at), count(*)
FROM delivery WHERE state = 'delivered'
GROUP BY 1, 2;

-- Acknowledgements and votes per announcement (kind 'ack' with choice '', or 'vote' with the
-- answer), kept as people click. One row per click at most, off the send path.
CREATE TABLE response_tally (
  announcement_id bigint NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  kind            text   NOT NULL CHECK (kind IN ('ack', 'vote')),
  choice          text   NOT NULL DEFAULT '',
  n               bigint NOT NULL,
  PRIMARY KEY (announcement_id, kind, choice)
);

CREATE FUNCTION herald_response_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_ack boolean := TG_OP <> 'INSERT' AND OLD.acknowledged_at IS NOT NULL;
  new_ack boolean := TG_OP <> 'DELETE' AND NEW.acknowledged_at IS NOT NULL;
  old_choice text := CASE WHEN TG_OP <> 'INSERT' THEN OLD.choice END;
  new_choice text := CASE WHEN TG_OP <> 'DELETE' THEN NEW.choice END;
  ann bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.announcement_id ELSE NEW.announcement_id END;
BEGIN
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
$$;

CREATE TRIGGER card_response_tally AFTER INSERT OR UPDATE OR DELETE ON card_response
  FOR EACH ROW EXECUTE FUNCTION herald_response_tally();

INSERT INTO response_tally (announcement_id, kind, choice, n)
SELECT announcement_id, 'ack', '', count(*) FROM card_response WHERE acknowledged_at IS NOT NULL GROUP BY 1;
INSERT INTO response_tally (announcement_id, kind, choice, n)
SELECT announcement_id, 'vote', choice, count(*) FROM card_response WHERE choice IS NOT NULL GROUP BY 1, 3;

-- Read copies per announcement. A receipt says "read up to message id X" for one person (Teams
-- message ids grow with time); the copies it newly covers are that person's delivered ones between
-- the previous mark and X, looked up by primary key in the announcements that could hold one: those
-- still running, or finished after the person's previous receipt. A copy recorded as delivered only
-- after a receipt that already covers it is not counted.
CREATE TABLE read_tally (
  announcement_id bigint NOT NULL PRIMARY KEY REFERENCES announcement (id) ON DELETE CASCADE,
  n               bigint NOT NULL
);

CREATE FUNCTION herald_read_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  old_mark bigint;
  new_mark bigint;
  since timestamptz := '-infinity';
BEGIN
  IF NEW.last_read_message_id !~ '^[0-9]{1,18}$' THEN
    RETURN NULL;
  END IF;
  new_mark := NEW.last_read_message_id::bigint;
  IF TG_OP = 'UPDATE' AND OLD.last_read_message_id ~ '^[0-9]{1,18}$' THEN
    old_mark := OLD.last_read_message_id::bigint;
    -- a margin for receipts processed a little after the person read
    since := OLD.read_at - interval '1 hour';
    IF new_mark <= old_mark THEN
      RETURN NULL;
    END IF;
  END IF;
  INSERT INTO read_tally AS t (announcement_id, n)
  SELECT d.announcement_id, count(*)
  FROM announcement a
  JOIN delivery d ON d.announcement_id = a.id AND d.recipient = NEW.aad_object_id
  WHERE a.started_at IS NOT NULL AND (a.finished_at IS NULL OR a.finished_at >= since)
    AND d.state = 'delivered' AND d.activity_id ~ '^[0-9]{1,18}$'
    AND d.activity_id::bigint <= new_mark AND (old_mark IS NULL OR d.activity_id::bigint > old_mark)
  GROUP BY d.announcement_id
  ON CONFLICT (announcement_id) DO UPDATE SET n = t.n + EXCLUDED.n;
  RETURN NULL;
END
$$;

CREATE TRIGGER read_receipt_tally AFTER INSERT OR UPDATE ON read_receipt
  FOR EACH ROW EXECUTE FUNCTION herald_read_tally();

INSERT INTO read_tally (announcement_id, n)
SELECT d.announcement_id, count(*)
FROM delivery d
JOIN conversation c ON c.id = d.conversation_ref
JOIN read_receipt r ON r.tenant_id = c.tenant_id AND r.aad_object_id = c.aad_object_id
WHERE d.state = 'delivered' AND d.activity_id ~ '^[0-9]{1,18}$' AND r.last_read_message_id ~ '^[0-9]{1,18}$'
  AND CAST(d.activity_id AS bigint) <= CAST(r.last_read_message_id AS bigint)
GROUP BY 1;

-- Why deliveries failed, per announcement. A row trigger on the ledger whose WHEN clause lets
-- through only rows entering or leaving failed/blocked (or changing reason while there): for the
-- dispatcher's claims and delivered outcomes it is one comparison, no call. Reasons are Teams'
-- texts of any length, so they are keyed by their digest. A purge of the ledger keeps the tally.
CREATE TABLE failure_tally (
  announcement_id bigint  NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  state           text    NOT NULL,
  status          integer,
  reason          text,
  n               bigint  NOT NULL
);

CREATE UNIQUE INDEX failure_tally_key ON failure_tally (announcement_id, state, COALESCE(status, -1), md5(COALESCE(reason, '')));

CREATE FUNCTION herald_failure_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.state IN ('failed', 'blocked') THEN
    UPDATE failure_tally SET n = n - 1
    WHERE announcement_id = OLD.announcement_id AND state = OLD.state AND COALESCE(status, -1) = COALESCE(OLD.last_status, -1)
      AND md5(COALESCE(reason, '')) = md5(COALESCE(OLD.reason, ''));
  END IF;
  IF NEW.state IN ('failed', 'blocked') THEN
    INSERT INTO failure_tally AS t (announcement_id, state, status, reason, n)
    VALUES (NEW.announcement_id, NEW.state, NEW.last_status, NEW.reason, 1)
    ON CONFLICT (announcement_id, state, COALESCE(status, -1), md5(COALESCE(reason, ''))) DO UPDATE SET n = t.n + 1;
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER delivery_failure_tally_insert AFTER INSERT ON delivery
  FOR EACH ROW WHEN (NEW.state IN ('failed', 'blocked')) EXECUTE FUNCTION herald_failure_tally();

CREATE TRIGGER delivery_failure_tally_update AFTER UPDATE OF state, last_status, reason ON delivery
  FOR EACH ROW WHEN ((OLD.state IN ('failed', 'blocked') OR NEW.state IN ('failed', 'blocked'))
                     AND (OLD.state, OLD.last_status, OLD.reason) IS DISTINCT FROM (NEW.state, NEW.last_status, NEW.reason))
  EXECUTE FUNCTION herald_failure_tally();

INSERT INTO failure_tally (announcement_id, state, status, reason, n)
SELECT announcement_id, state, last_status, reason, count(*)
FROM delivery WHERE state IN ('failed', 'blocked')
GROUP BY 1, 2, 3, 4;

-- Recipient pages filtered by a final state other than delivered, and the failure reasons, walk
-- only those rows. Rows enter this index when they fail, are blocked, opted out (at the freeze) or
-- canceled: a delivered outcome, the common case, never writes to it.
CREATE INDEX delivery_exception_ix ON delivery (announcement_id, state, recipient)
  WHERE state IN ('failed', 'blocked', 'opted_out', 'canceled');

-- Pages of the people who acknowledged, in person order (clicks write it, never the dispatcher).
CREATE INDEX card_response_ack_ix ON card_response (announcement_id, aad_object_id) WHERE acknowledged_at IS NOT NULL;
