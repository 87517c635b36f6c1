CREATE TABLE announcement (
  id            bigserial PRIMARY KEY,
  title         text        NOT NULL,
  summary       text,
  image_url     text,
  button_title  text,
  button_url    text,
  audience      text        NOT NULL DEFAULT 'installed',
  status        text        NOT NULL DEFAULT 'draft'
                CHECK (status IN ('draft', 'scheduled', 'sending', 'paused', 'sent', 'canceled')),
  created_by    text        NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  scheduled_at  timestamptz,
  started_at    timestamptz,
  finished_at   timestamptz,
  -- Live counts, maintained incrementally by the dispatcher in the same transaction as the
  -- ledger rows they count, so the UI never rescans the ledger.
  recipients    integer     NOT NULL DEFAULT 0,
  delivered     integer     NOT NULL DEFAULT 0,
  failed        integer     NOT NULL DEFAULT 0,
  blocked       integer     NOT NULL DEFAULT 0,
  opted_out     integer     NOT NULL DEFAULT 0,
  canceled      integer     NOT NULL DEFAULT 0
);

CREATE INDEX announcement_sending_ix ON announcement (id) WHERE status = 'sending';

-- The recipient ledger: one row per announcement and recipient (a person by Entra object id, or
-- a channel by its id), frozen when the send starts. A person without a conversation yet waits in
-- 'installing' until the app is installed for them; only rows with a conversation are sent.
CREATE TABLE delivery (
  announcement_id    bigint      NOT NULL REFERENCES announcement (id) ON DELETE CASCADE,
  recipient          text        NOT NULL,
  recipient_kind     text        NOT NULL DEFAULT 'person' CHECK (recipient_kind IN ('person', 'channel')),
  conversation_ref   bigint      REFERENCES conversation (id),
  state              text        NOT NULL DEFAULT 'pending'
                     CHECK (state IN ('installing', 'pending', 'in_flight', 'delivered', 'failed', 'blocked',
                                      'opted_out', 'canceled')),
  attempts           integer     NOT NULL DEFAULT 0,
  next_attempt_at    timestamptz NOT NULL DEFAULT now(),
  lease_until        timestamptz,
  last_status        integer,
  reason             text,
  activity_id        text,
  possibly_duplicate boolean     NOT NULL DEFAULT false,
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (announcement_id, recipient),
  CHECK (state NOT IN ('pending', 'in_flight') OR conversation_ref IS NOT NULL)
);

-- The claim scans only rows that can be claimed: pending ones by due time, leased ones by expiry.
CREATE INDEX delivery_pending_ix ON delivery (announcement_id, next_attempt_at) WHERE state = 'pending';
CREATE INDEX delivery_in_flight_ix ON delivery (lease_until) WHERE state = 'in_flight';
