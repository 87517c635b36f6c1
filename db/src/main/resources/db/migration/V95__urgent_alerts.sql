-- Urgent alerts (issue #25): an urgent announcement is critical (reaches people who opted out,
-- cannot be unsubscribed from) and is also announced through Teams' activity feed, which Graph
-- takes 100 people at a time at 2 calls a second per app and tenant.
ALTER TABLE announcement DROP CONSTRAINT announcement_importance_check;
ALTER TABLE announcement ADD CONSTRAINT announcement_importance_check
  CHECK (importance IN ('normal', 'critical', 'urgent'));

-- V61's rule, with urgent counted as critical.
CREATE OR REPLACE FUNCTION herald_opted_out_people(p_announcement bigint) RETURNS TABLE (tenant_id text, aad text)
LANGUAGE sql STABLE AS $$
  SELECT DISTINCT o.tenant_id, lower(o.aad_object_id)
  FROM opt_out o
  WHERE o.opted_out
    AND NOT COALESCE((SELECT a.importance IN ('critical', 'urgent') FROM announcement a WHERE a.id = p_announcement),
                     false)
    AND (o.topic = 'all' OR o.topic = (SELECT a.topic FROM announcement a WHERE a.id = p_announcement))
$$;

-- Who may ask for it: authors through a guardrail rule (never by default), API clients by an
-- admin's grant.
ALTER TABLE author_guardrail ADD COLUMN allow_urgent boolean NOT NULL DEFAULT false;
ALTER TABLE api_client ADD COLUMN may_send_urgent boolean NOT NULL DEFAULT false;

-- When the chat card reached the person (the delivered outcome's time). Not indexed: the
-- outcome statement stays a heap-only update.
ALTER TABLE delivery ADD COLUMN alerted_chat_at timestamptz;

-- The activity feed's ledger: one row per person of an urgent announcement whom Herald's own
-- records say has the app (an active personal chat) when the audience is frozen. Graph's bulk
-- call answers 202 and says nothing per recipient, so 'alerted' means "Graph accepted a call
-- naming them". 'skipped': Herald would have exceeded Teams' 10 notifications a minute to them;
-- 'failed': refused, or in flight when an instance died (maybe alerted: never repeated).
-- Skipped and failed people are moved to the front of the chat queue.
CREATE TABLE urgent_alert (
  announcement_id bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  recipient       text        NOT NULL,
  -- the person's language variant (delivery.variant): one call names people of one variant
  variant         text,
  state           text        NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'in_flight', 'alerted', 'skipped', 'failed', 'canceled')),
  attempts        integer     NOT NULL DEFAULT 0,
  throttles       integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  claimed_by      uuid,
  lease_until     timestamptz,
  alerted_at      timestamptz,
  last_status     integer,
  reason          text,
  PRIMARY KEY (announcement_id, recipient)
);

CREATE INDEX urgent_alert_pending_ix ON urgent_alert (next_attempt_at) WHERE state = 'pending';
CREATE INDEX urgent_alert_in_flight_ix ON urgent_alert (lease_until) WHERE state = 'in_flight';
-- Teams throttles more than 10 notifications a minute to one person: Herald counts its own.
CREATE INDEX urgent_alert_person_ix ON urgent_alert (lower(recipient), alerted_at) WHERE state = 'alerted';
