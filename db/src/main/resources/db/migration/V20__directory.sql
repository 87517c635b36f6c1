-- The tenant's people, mirrored from Graph users/delta. Ids are stored lower-case so joins
-- with conversation and audience staging never miss on case.
CREATE TABLE directory_user (
  aad_object_id      text        PRIMARY KEY,
  upn                text,
  mail               text,
  display_name       text,
  user_type          text,
  preferred_language text,
  department         text,
  country            text,
  deleted            boolean     NOT NULL DEFAULT false,
  -- The full sync that last saw this person; a full sync marks everyone it did not see as deleted.
  sync_generation    bigint      NOT NULL DEFAULT 0,
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX directory_user_upn_ix ON directory_user (lower(upn));
CREATE INDEX directory_user_mail_ix ON directory_user (lower(mail));
CREATE INDEX directory_user_name_ix ON directory_user (lower(display_name) text_pattern_ops);

-- One row: where the last delta round ended, and a lease so only one instance syncs at a time.
CREATE TABLE directory_sync (
  id             integer     PRIMARY KEY CHECK (id = 1),
  delta_link     text,
  generation     bigint      NOT NULL DEFAULT 0,
  running_until  timestamptz,
  last_full_at   timestamptz,
  last_sync_at   timestamptz,
  last_error     text
);
INSERT INTO directory_sync (id) VALUES (1);

-- Admin settings as key/value text (shared by features; each feature names its own keys).
CREATE TABLE app_setting (
  key        text        PRIMARY KEY,
  value      text        NOT NULL,
  updated_by text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
