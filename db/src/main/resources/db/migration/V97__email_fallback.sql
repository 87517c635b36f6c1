-- E-mail fallback (#26). Whether an announcement also goes by e-mail to people Teams could
-- not reach: null means the admin's default (app_setting 'email.fallback-default') as it
-- was when the send started.
ALTER TABLE announcement ADD COLUMN email_fallback boolean;

-- One row per announcement whose fallback was planned: written in the same transaction
-- as its e-mail rows, so an announcement is planned once whatever the number of instances.
CREATE TABLE email_plan (
  announcement_id bigint      PRIMARY KEY REFERENCES announcement (id) ON DELETE CASCADE,
  planned_at      timestamptz NOT NULL DEFAULT now(),
  queued          integer     NOT NULL DEFAULT 0,
  without_address integer     NOT NULL DEFAULT 0
);

-- The e-mail ledger: one row per announcement and person, so nobody is mailed twice for
-- the same announcement. 'sending' rows are claimed (FOR UPDATE SKIP LOCKED) with a lease;
-- a row whose lease ran out while sending is failed, never sent again (it may have left).
CREATE TABLE email_delivery (
  announcement_id bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  recipient       text        NOT NULL,
  address         text,
  variant         text,
  card_language   text,
  state           text        NOT NULL DEFAULT 'queued'
                  CHECK (state IN ('queued', 'sending', 'sent', 'failed')),
  reason          text,
  attempts        integer     NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  claimed_by      uuid,
  lease_until     timestamptz,
  sent_at         timestamptz,
  -- The Graph sender mailbox it left from (null: SMTP), for each mailbox's daily limit.
  mailbox         text,
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (announcement_id, recipient),
  CHECK (state <> 'queued' OR address IS NOT NULL)
);

CREATE INDEX email_delivery_queued_ix ON email_delivery (next_attempt_at) WHERE state = 'queued';
CREATE INDEX email_delivery_sending_ix ON email_delivery (lease_until) WHERE state = 'sending';
CREATE INDEX email_delivery_mailbox_ix ON email_delivery (mailbox, sent_at) WHERE mailbox IS NOT NULL;

-- The unsubscribe link of an e-mail is a Herald opt-out like the card's.
ALTER TABLE opt_out DROP CONSTRAINT opt_out_source_check;
ALTER TABLE opt_out ADD CONSTRAINT opt_out_source_check CHECK (source IN ('command', 'card', 'admin', 'email'));
