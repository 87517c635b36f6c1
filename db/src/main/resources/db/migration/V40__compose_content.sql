-- Richer announcements (issue #7): an author line, up to four buttons, importance, a topic, an
-- acknowledgement request and an optional poll. The single button of V2 moves into the list.
ALTER TABLE announcement
  ADD COLUMN author_line    text,
  ADD COLUMN buttons        jsonb   NOT NULL DEFAULT '[]'::jsonb
                            CHECK (jsonb_typeof(buttons) = 'array' AND jsonb_array_length(buttons) <= 4),
  ADD COLUMN importance     text    NOT NULL DEFAULT 'normal' CHECK (importance IN ('normal', 'critical')),
  ADD COLUMN topic          text    CHECK (length(topic) <= 60),
  ADD COLUMN ack_requested  boolean NOT NULL DEFAULT false,
  ADD COLUMN poll_question  text    CHECK (length(poll_question) <= 200),
  ADD COLUMN poll_choices   jsonb   NOT NULL DEFAULT '[]'::jsonb
                            CHECK (jsonb_typeof(poll_choices) = 'array' AND jsonb_array_length(poll_choices) <= 6);

UPDATE announcement
SET buttons = jsonb_build_array(jsonb_build_object('title', button_title, 'url', button_url))
WHERE button_title IS NOT NULL AND button_url IS NOT NULL;

-- Images uploaded in the compose form, already resized (at most 1024 px) and re-encoded, so
-- Teams can fetch them from Herald at a stable, unguessable address.
CREATE TABLE announcement_image (
  key           text        PRIMARY KEY CHECK (key ~ '^[A-Za-z0-9_-]{16,64}$'),
  content_type  text        NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
  width         integer     NOT NULL CHECK (width BETWEEN 1 AND 1024),
  height        integer     NOT NULL CHECK (height BETWEEN 1 AND 1024),
  bytes         bytea       NOT NULL,
  uploaded_by   text        NOT NULL,
  uploaded_at   timestamptz NOT NULL DEFAULT now()
);

-- Reusable starting points for announcements: the content as the API shows it, as JSON.
CREATE TABLE announcement_template (
  id          bigserial   PRIMARY KEY,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  content     jsonb       NOT NULL,
  created_by  text        NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE announcement DROP COLUMN button_title, DROP COLUMN button_url;
