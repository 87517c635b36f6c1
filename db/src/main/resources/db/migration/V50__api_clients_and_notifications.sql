-- Systems (HR, ITSM, CI) allowed to send notifications through POST /api/v1/notifications,
-- registered by admins. client_id is what the bearer token says about the calling app
-- (azp, appid or sub). A null quota means the configured default applies.
CREATE TABLE api_client (
  client_id         text        PRIMARY KEY CHECK (length(client_id) BETWEEN 1 AND 200),
  display_name      text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  -- Empty means "any": a client restricted to topics may only send with one of them.
  allowed_topics    text[]      NOT NULL DEFAULT '{}',
  allowed_audiences text[]      NOT NULL DEFAULT '{}',
  per_minute        integer     CHECK (per_minute > 0),
  per_day           integer     CHECK (per_day > 0),
  enabled           boolean     NOT NULL DEFAULT true,
  created_by        text        NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- Marks what did not come from an author's compose form, so lists and reports can tell
-- broadcasts from machine notifications. The send itself is the same: ledger + dispatcher.
ALTER TABLE announcement ADD COLUMN source text NOT NULL DEFAULT 'author' CHECK (source IN ('author', 'api'));

-- A notification is an announcement sent by an API client to the recipients it named.
-- Quotas count these rows, so a refused or replayed call never uses up quota.
CREATE TABLE notification (
  announcement_id bigint      PRIMARY KEY REFERENCES announcement (id) ON DELETE CASCADE,
  client_id       text        NOT NULL REFERENCES api_client (client_id),
  topic           text,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notification_client_created_ix ON notification (client_id, created_at);

-- Each recipient as the client named it, and who that turned out to be. A row without an
-- aad_object_id matched nobody; one whose person has no chat with the bot is 'unreachable';
-- every other outcome is read from the ledger (delivery), never copied.
CREATE TABLE notification_recipient (
  announcement_id bigint  NOT NULL REFERENCES notification (announcement_id) ON DELETE CASCADE,
  position        integer NOT NULL,
  kind            text    NOT NULL CHECK (kind IN ('aadObjectId', 'upn', 'email')),
  value           text    NOT NULL,
  aad_object_id   text,
  outcome         text    CHECK (outcome IN ('unknown', 'unreachable')),
  PRIMARY KEY (announcement_id, position)
);

-- Idempotency-Key records: a retried call with the same key and body gets the original
-- reply instead of a second send. Kept for a configurable time, then purged.
CREATE TABLE idempotency_key (
  client_id       text        NOT NULL REFERENCES api_client (client_id),
  idempotency_key text        NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 255),
  request_hash    text        NOT NULL,
  status          integer     NOT NULL,
  location        text,
  body            text        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, idempotency_key)
);

CREATE INDEX idempotency_key_created_ix ON idempotency_key (created_at);
