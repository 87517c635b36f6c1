-- Delivery and responses per language variant (#16) from a tally, not a scan of the ledger per
-- report (#18: 1.7 s at a million rows). Only rows of a variant are tallied (delivery.variant is
-- NULL for the default content, the case of nearly every row): the default's figures are the
-- announcement's counters minus the variants'. So the triggers' WHEN clauses let through only
-- rows of a variant, and a single-language send pays one comparison per row, no call.
CREATE TABLE variant_tally (
  announcement_id bigint NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  variant         text   NOT NULL,
  recipients      bigint NOT NULL DEFAULT 0,
  delivered       bigint NOT NULL DEFAULT 0,
  failed          bigint NOT NULL DEFAULT 0,
  acknowledged    bigint NOT NULL DEFAULT 0,
  voted           bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (announcement_id, variant)
);

CREATE FUNCTION herald_variant_tally_add(ann bigint, tag text, n bigint, state text) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO variant_tally AS t (announcement_id, variant, recipients, delivered, failed)
  VALUES (ann, tag, n, CASE WHEN state = 'delivered' THEN n ELSE 0 END, CASE WHEN state = 'failed' THEN n ELSE 0 END)
  ON CONFLICT (announcement_id, variant) DO UPDATE SET
    recipients = t.recipients + EXCLUDED.recipients,
    delivered = t.delivered + EXCLUDED.delivered,
    failed = t.failed + EXCLUDED.failed;
$$;

-- A row of a variant: its old contribution out, its new one in. A purge of the ledger (retention)
-- keeps the tally, as it keeps the counters.
CREATE FUNCTION herald_variant_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.variant IS NOT NULL THEN
    PERFORM herald_variant_tally_add(OLD.announcement_id, OLD.variant, -1, OLD.state);
  END IF;
  IF NEW.variant IS NOT NULL THEN
    PERFORM herald_variant_tally_add(NEW.announcement_id, NEW.variant, 1, NEW.state);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER delivery_variant_tally_insert AFTER INSERT ON delivery
  FOR EACH ROW WHEN (NEW.variant IS NOT NULL) EXECUTE FUNCTION herald_variant_tally();

CREATE TRIGGER delivery_variant_tally_update AFTER UPDATE OF variant, state ON delivery
  FOR EACH ROW WHEN (OLD.variant IS DISTINCT FROM NEW.variant
                     OR (NEW.variant IS NOT NULL AND OLD.state IS DISTINCT FROM NEW.state
                         AND (OLD.state IN ('delivered', 'failed') OR NEW.state IN ('delivered', 'failed'))))
  EXECUTE FUNCTION herald_variant_tally();

-- Acknowledgements and votes of people who got a variant: their ledger row is found by primary
-- key (recipients are stored as Teams and Graph spell them, lower-case GUIDs; the other cases are
-- tried too). A response of someone outside the ledger counts with the default, as it did.
CREATE FUNCTION herald_variant_response_tally() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  ack_delta int := (CASE WHEN TG_OP <> 'DELETE' AND NEW.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END)
                 - (CASE WHEN TG_OP <> 'INSERT' AND OLD.acknowledged_at IS NOT NULL THEN 1 ELSE 0 END);
  vote_delta int := (CASE WHEN TG_OP <> 'DELETE' AND NEW.choice IS NOT NULL THEN 1 ELSE 0 END)
                  - (CASE WHEN TG_OP <> 'INSERT' AND OLD.choice IS NOT NULL THEN 1 ELSE 0 END);
  ann bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.announcement_id ELSE NEW.announcement_id END;
  person text := CASE WHEN TG_OP = 'DELETE' THEN OLD.aad_object_id ELSE NEW.aad_object_id END;
  tag text;
BEGIN
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
$$;

CREATE TRIGGER card_response_variant_tally AFTER INSERT OR UPDATE OR DELETE ON card_response
  FOR EACH ROW EXECUTE FUNCTION herald_variant_response_tally();

INSERT INTO variant_tally (announcement_id, variant, recipients, delivered, failed, acknowledged, voted)
SELECT d.announcement_id, d.variant, count(*),
       count(*) FILTER (WHERE d.state = 'delivered'), count(*) FILTER (WHERE d.state = 'failed'),
       count(r.acknowledged_at), count(r.choice)
FROM delivery d
LEFT JOIN card_response r ON r.announcement_id = d.announcement_id AND lower(r.aad_object_id) = lower(d.recipient)
WHERE d.variant IS NOT NULL
GROUP BY d.announcement_id, d.variant;
