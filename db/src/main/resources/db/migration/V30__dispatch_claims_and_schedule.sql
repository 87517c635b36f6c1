-- Dispatcher, issue #6: who holds a claimed row, whether its call started, throttles apart from
-- other attempts, automatic pauses with a reason, scheduled starts in the author's time zone, and
-- the tenant send lease shared by all Herald instances.

-- claimed_by: the dispatcher instance (one random id per process) that claimed the row.
-- call_started_at: written, in a batch, after the budget granted the call and before the request
-- leaves. Recovery uses it to tell rows that were merely queued when an instance died (never sent,
-- retried unflagged) from rows whose call may have reached Teams (retried, flagged
-- possibly_duplicate).
-- throttles: how many of the attempts were answered 429; those have their own limit.
-- A row waiting to be retried stays 'pending' with next_attempt_at in the future and its
-- last_status (429, 503, ...) and reason kept: there is no separate retry state, so the claim
-- query has one predicate and one index.
ALTER TABLE delivery
  ADD COLUMN claimed_by      uuid,
  ADD COLUMN call_started_at timestamptz,
  ADD COLUMN throttles       integer NOT NULL DEFAULT 0;

-- Recovery looks up in-flight rows by claimer.
CREATE INDEX delivery_claimed_by_ix ON delivery (claimed_by) WHERE state = 'in_flight';

ALTER TABLE announcement
  ADD COLUMN pause_reason   text,
  ADD COLUMN scheduled_zone text;

CREATE INDEX announcement_scheduled_ix ON announcement (scheduled_at) WHERE status = 'scheduled';

-- One row per send budget (today one: the bot in its tenant). The instance whose lease is current
-- is the only one that claims and sends, so the summed rate of all instances is the rate of one
-- pacer; the others take over when it stops renewing. See docs/dispatcher.md.
CREATE TABLE send_lease (
  name        text        PRIMARY KEY,
  holder      uuid,
  holder_host text,
  lease_until timestamptz NOT NULL DEFAULT '-infinity',
  acquired_at timestamptz
);

INSERT INTO send_lease (name) VALUES ('tenant');
