-- #14 After the send: edit, recall, expiry, notification preview text, reminders.

ALTER TABLE announcement DROP CONSTRAINT announcement_status_check;
ALTER TABLE announcement ADD CONSTRAINT announcement_status_check
  CHECK (status IN ('draft', 'scheduled', 'preparing', 'sending', 'paused', 'sent', 'canceled', 'recalled'));

ALTER TABLE announcement
  -- What Teams shows in the toast, activity feed and chat list (the activity's summary);
  -- the title when absent.
  ADD COLUMN preview_text      text CHECK (length(preview_text) <= 300),
  -- Recalled by Herald itself at this instant; the zone is the author's, for display.
  ADD COLUMN expires_at        timestamptz,
  ADD COLUMN expires_zone      text,
  ADD COLUMN recalled_at       timestamptz,
  -- Last edit after the send started.
  ADD COLUMN edited_at         timestamptz,
  -- An automatic reminder this many hours after the send started, to these people.
  ADD COLUMN auto_remind_hours integer CHECK (auto_remind_hours BETWEEN 1 AND 720),
  ADD COLUMN auto_remind_who   text CHECK (auto_remind_who IN ('not-acknowledged', 'not-voted', 'not-read')),
  ADD COLUMN auto_reminded_at  timestamptz,
  ADD CHECK ((auto_remind_hours IS NULL) = (auto_remind_who IS NULL));

CREATE INDEX announcement_expiry_ix ON announcement (expires_at)
  WHERE expires_at IS NOT NULL AND status IN ('sending', 'paused', 'sent', 'canceled');

-- One operation on copies already sent: update them in place, delete them, or send a reminder
-- next to them. Its items are its own ledger, claimed, paced and retried like deliveries.
CREATE TABLE follow_up (
  id               bigserial   PRIMARY KEY,
  announcement_id  bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  kind             text        NOT NULL CHECK (kind IN ('update', 'delete', 'remind')),
  who              text        CHECK (who IN ('not-acknowledged', 'not-voted', 'not-read')),
  status           text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'paused', 'canceled', 'done')),
  requested_by     text        NOT NULL,
  -- Update and delete: copies whose call started before this instant are targets. Until it
  -- has passed and no such call is still in the air, copies delivered late are added.
  cutoff           timestamptz NOT NULL DEFAULT now(),
  planning         boolean     NOT NULL DEFAULT true,
  targets          integer     NOT NULL DEFAULT 0,
  done             integer     NOT NULL DEFAULT 0,
  failed           integer     NOT NULL DEFAULT 0,
  canceled         integer     NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  finished_at      timestamptz,
  CHECK ((kind = 'remind') = (who IS NOT NULL))
);

CREATE INDEX follow_up_announcement_ix ON follow_up (announcement_id);
CREATE INDEX follow_up_open_ix ON follow_up (id) WHERE status IN ('running', 'paused');

CREATE TABLE follow_up_item (
  follow_up_id       bigint      NOT NULL REFERENCES follow_up (id) ON DELETE CASCADE,
  recipient          text        NOT NULL,
  announcement_id    bigint      NOT NULL,
  conversation_ref   bigint      NOT NULL REFERENCES conversation (id),
  -- The copy acted on (update, delete) or replied to (remind).
  target_activity_id text        NOT NULL,
  state              text        NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('pending', 'in_flight', 'done', 'failed', 'canceled')),
  attempts           integer     NOT NULL DEFAULT 0,
  throttles          integer     NOT NULL DEFAULT 0,
  last_status        integer,
  reason             text,
  result_activity_id text,
  next_attempt_at    timestamptz NOT NULL DEFAULT now(),
  claimed_by         uuid,
  call_started_at    timestamptz,
  possibly_duplicate boolean     NOT NULL DEFAULT false,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (follow_up_id, recipient)
);

CREATE INDEX follow_up_item_due_ix ON follow_up_item (next_attempt_at) WHERE state = 'pending';
CREATE INDEX follow_up_item_in_flight_ix ON follow_up_item (claimed_by) WHERE state = 'in_flight';
