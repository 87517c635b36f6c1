-- A send answers at once: the announcement is 'preparing' while its audience is frozen in the
-- background (issue 18), then 'sending'. frozen_at tells a send whose ledger exists from one
-- whose freeze failed (paused with its reason; resuming prepares it again).
ALTER TABLE announcement DROP CONSTRAINT announcement_status_check;
ALTER TABLE announcement ADD CONSTRAINT announcement_status_check
  CHECK (status IN ('draft', 'scheduled', 'preparing', 'sending', 'paused', 'sent', 'canceled'));
ALTER TABLE announcement
  ADD COLUMN frozen_at timestamptz,
  ADD COLUMN prepared_people integer;
UPDATE announcement SET frozen_at = COALESCE(started_at, updated_at)
WHERE status IN ('sending', 'paused', 'sent') OR (status = 'canceled' AND started_at IS NOT NULL);
CREATE INDEX announcement_preparing_ix ON announcement (id) WHERE status = 'preparing';

-- Which instance freezes which announcement (dispatch's): a lease renewed by the freezer's own
-- heartbeat, so a killed instance's freeze is taken over once it lapses. Not on the announcement
-- row, which the freeze keeps locked while it writes the ledger.
CREATE TABLE freeze_claim (
  announcement_id bigint      PRIMARY KEY,
  claimed_by      uuid        NOT NULL,
  lease_until     timestamptz NOT NULL,
  attempts        integer     NOT NULL DEFAULT 1
);

-- The audience module's staging relations. Graph pages of group and team members land in
-- audience_snapshot_member as they are read, each page committed on its own (no transaction
-- spans Graph calls); the resolved audience (deduplicated, guests and departed people dropped,
-- conversations and opt-outs looked up) is audience_snapshot, from which the dispatcher moves
-- rows into the ledger. Both are emptied once the ledger has the rows. No foreign keys: a
-- million per-row checks for rows that live a few seconds.
CREATE TABLE audience_snapshot_member (
  announcement_id bigint NOT NULL,
  aad_object_id   text   NOT NULL,
  user_type       text
);
CREATE INDEX audience_snapshot_member_ix ON audience_snapshot_member (announcement_id);

CREATE TABLE audience_snapshot (
  announcement_id  bigint  NOT NULL,
  recipient        text    NOT NULL,
  recipient_kind   text    NOT NULL CHECK (recipient_kind IN ('person', 'channel')),
  conversation_ref bigint,
  opted_out        boolean NOT NULL,
  PRIMARY KEY (announcement_id, recipient)
);
